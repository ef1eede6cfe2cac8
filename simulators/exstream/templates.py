"""Communication templates: communication id → how the simulator renders that communication.

Adding a communication (e.g. an order confirmation) means adding a folder
``simulators/exstream/templates/<communication_id>/`` with:

- ``document.pdf.j2``: the PDF layout (line syntax in :mod:`simulators.exstream.render`),
- ``document.html.j2``: the HTML output, also used as the e-mail body,
- optional ``template.yaml``: ``name``, ``title`` and ``subject`` (Jinja strings).

Templates see the driver data's top-level keys as variables, plus ``data`` (the whole record), ``fields``
(flattened ``(path, value)`` pairs), ``communication_id``, ``reference`` and ``communication_version`` (the
approved design version rendered, for communications with an approval workflow, else ``None``). A
communication without a folder renders with ``_generic``, which lists every field, so unknown communications
still produce real output.
Code can also register a :class:`Template` directly with :meth:`TemplateRegistry.register`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import ChainableUndefined, FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from simulators.exstream.render import render_pdf

BUILTIN_DIR = Path(__file__).parent / "templates"
GENERIC = "_generic"


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(dotted.path, text)`` for every scalar in a JSON value, in document order."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix or "value", "" if value is None else str(value)


@dataclass(frozen=True)
class RenderedCommunication:
    pdf: bytes
    html: str
    title: str
    subject: str


class Template:
    """One communication's layouts, rendered with a sandboxed Jinja environment."""

    def __init__(self, folder: Path, meta: Mapping[str, Any]) -> None:
        self.folder = folder
        self.name = str(meta.get("name", folder.name))
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            undefined=ChainableUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._title = self._env.from_string(str(meta.get("title", self.name)))
        self._subject = self._env.from_string(str(meta.get("subject", meta.get("title", self.name))))

    def render(
        self, driver_data: Any, *, communication_id: str, reference: str | None, version: int | None = None
    ) -> RenderedCommunication:
        context: dict[str, Any] = dict(driver_data) if isinstance(driver_data, Mapping) else {}
        context.update(
            data=driver_data,
            fields=list(flatten(driver_data)),
            communication_id=communication_id,
            reference=reference,
            communication_version=version,
        )
        title = self._title.render(context).strip() or self.name
        layout = self._env.get_template("document.pdf.j2").render(context)
        html = self._env.get_template("document.html.j2").render({**context, "title": title})
        return RenderedCommunication(
            pdf=render_pdf(layout, title=title),
            html=html,
            title=title,
            subject=self._subject.render(context).strip() or title,
        )


def load_template(folder: Path) -> Template:
    meta_file = folder / "template.yaml"
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_file} must hold a mapping")
    for required in ("document.pdf.j2", "document.html.j2"):
        if not (folder / required).is_file():
            raise ValueError(f"template {folder.name} lacks {required}")
    return Template(folder, meta)


class TemplateRegistry:
    """Templates by communication id, loaded from folders (later folders override earlier ones)."""

    def __init__(self, folders: tuple[Path, ...] = ()) -> None:
        self._templates: dict[str, Template] = {}
        for root in (BUILTIN_DIR, *folders):
            if not root.is_dir():
                continue
            for child in sorted(root.iterdir()):
                if child.is_dir() and (child / "document.pdf.j2").exists():
                    self._templates[child.name] = load_template(child)
        if GENERIC not in self._templates:
            raise ValueError("the _generic template is missing")

    def register(self, communication_id: str, template: Template) -> None:
        self._templates[communication_id] = template

    def ids(self) -> list[str]:
        return sorted(self._templates)

    def get(self, communication_id: str) -> Template:
        return self._templates.get(communication_id, self._templates[GENERIC])
