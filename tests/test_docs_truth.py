"""Documentation that states facts about the code says what the code does (each once found stale)."""

from __future__ import annotations

import argparse
import json
import re

from bcx.avro.schemas import schemas_dir
from bcx_app.cli.main import build_parser
from consumers.registry import use_case_names
from routing import load_rules


def result_field_docs() -> dict[str, str]:
    schema = json.loads((schemas_dir() / "documents.results.v1.avsc").read_text())
    document = next(f for f in schema["fields"] if f["name"] == "document")
    return {f["name"]: f.get("doc", "") for f in document["type"]["fields"]}


class TestResultSchemaDocs:
    def test_use_case_doc_lists_the_values_results_carry(self) -> None:
        """documents.results.v1's use_case doc names exactly the flows' use cases, as results carry them."""
        named = set(re.findall(r"[a-z]+(?:_[a-z]+)*", result_field_docs()["use_case"].split(":", 1)[1]))
        assert named == use_case_names()

    def test_document_type_examples_are_real_document_types(self) -> None:
        """The document types given as examples exist in the shipped routing rules."""
        examples = re.findall(r"[a-z]+_[a-z_]+", result_field_docs()["document_type"])
        assert examples
        assert set(examples) <= set(load_rules(None).documents)


class TestCliDocs:
    def test_topics_help_names_its_real_actions(self) -> None:
        """`bcx topics --help` names the actions the parser has (plan and apply, no list)."""
        commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
        help_text = commands.choices["topics"].format_help()
        assert "apply|plan" in help_text
        assert "list" not in help_text
