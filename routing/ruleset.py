"""The rule set: the typed shape of a rule file (see ``routing/rules/default.yaml`` for a commented example).

Sections:

- ``documents``: the catalogue of document types (use case, entity, category, version, the channels its
  Exstream communication can produce, and which communication/driver data source to use per store, locale
  and customer segment — first matching entry wins, the last one without selectors is the default);
- ``rules``: when a document is due (``when`` conditions → ``then`` documents), with ``priority`` (higher
  first) and ``final`` (a matching final rule stops lower-priority rules);
- ``channel_policy``: fallbacks when a channel cannot reach the customer, and ``requirements`` (regulatory
  or contractual copies: ``add``, ``remove`` or ``only`` channels, each with a reason);
- ``locale_policy``: supported locales, per-store defaults, and ``overrides`` (a region requiring French);
- ``suppressions``: conditions that stop a document (test orders, missing consent), each with a reason;
- ``returns_policy``: return windows, restocking fees, non-returnable categories and reasons
  (:mod:`routing.returns_policy`), applied to a return's facts before its rules.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from routing.conditions import Condition
from routing.facts import Channel, UseCaseName
from routing.fieldpaths import lookup_field
from routing.returns_policy import ReturnsPolicy

_NAME = r"^[a-z0-9][a-z0-9_.-]*$"
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
Name = Annotated[str, Field(pattern=_NAME, description="lower-case name: letters, digits, _ . -")]


def normalise_locale(tag: str) -> str:
    """``fr_ca``/``FR-ca`` → ``fr-CA`` (language lower case, region upper case)."""
    parts = tag.replace("_", "-").split("-")
    rest = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower() for p in parts[1:]]
    return "-".join([parts[0].lower(), *rest])


def parse_locale(tag: str) -> str:
    """``tag`` validated as BCP 47 and normalised; ``ValueError`` when it is not a locale."""
    tag = tag.replace("_", "-")
    if not _LOCALE.match(tag):
        raise ValueError(f"{tag!r} is not a BCP 47 locale such as fr or fr-CA")
    return normalise_locale(tag)


Locale = Annotated[str, AfterValidator(parse_locale)]


class Category(StrEnum):
    """What kind of document it is; suppressions, requirements and opt-outs can name categories."""

    TRANSACTIONAL = "transactional"
    NOTICE = "notice"
    STATEMENT = "statement"
    MARKETING = "marketing"


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class FieldVersion(_Node):
    """The version comes from a facts field, e.g. ``payment.transaction_id`` (one receipt per payment)."""

    field: str

    @model_validator(mode="after")
    def _known(self) -> FieldVersion:
        lookup_field(self.field)
        return self


class Communication(_Node):
    """An Exstream communication and its driver data source, with optional selectors."""

    communication_id: str = Field(min_length=1)
    driver_data_source: str = Field(min_length=1)
    stores: frozenset[str] | None = None
    locales: frozenset[Locale] | None = None
    segments: frozenset[str] | None = Field(default=None, description="customer segment or group name")

    @property
    def is_default(self) -> bool:
        return self.stores is None and self.locales is None and self.segments is None


class DocumentSpec(_Node):
    use_case: UseCaseName
    entity_type: str = Field(min_length=1)
    category: Category
    description: str = ""
    version: Literal["once", "entity"] | FieldVersion = Field(
        description="once: one per entity ever; entity: one per entity version; {field: …}: one per value"
    )
    mandatory: bool = Field(default=False, description="legally required: customer opt-outs do not stop it")
    channels: tuple[Channel, ...] = Field(min_length=1, description="outputs its communication can produce")
    default_channels: tuple[Channel, ...] = Field(min_length=1, description="when the customer stated none")
    communications: tuple[Communication, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> DocumentSpec:
        extra = [c.value for c in self.default_channels if c not in self.channels]
        if extra:
            raise ValueError(f"default_channels {extra} are not among the document's channels")
        if not self.communications[-1].is_default:
            raise ValueError("the last communication must have no stores/locales/segments (the default)")
        return self


class DocumentAction(_Node):
    """A document a rule asks for; ``channels`` replaces the customer's preference for this rule."""

    type: str
    channels: tuple[Channel, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data


class Then(_Node):
    documents: tuple[DocumentAction, ...] = Field(min_length=1)


class Rule(_Node):
    name: Name
    description: str = ""
    use_case: UseCaseName
    priority: int = 0
    final: bool = False
    when: tuple[Condition, ...] = ()
    then: Then


class _Targeted(_Node):
    """A policy entry that applies to some documents: by type, by category, or (neither given) to all."""

    name: Name
    reason: str = Field(min_length=1)
    when: tuple[Condition, ...] = ()
    documents: frozenset[str] | None = None
    categories: frozenset[Category] | None = None

    def targets(self, document_type: str, category: Category) -> bool:
        if self.documents is None and self.categories is None:
            return True
        return (self.documents is not None and document_type in self.documents) or (
            self.categories is not None and category in self.categories
        )


class ChannelRequirement(_Targeted):
    add: tuple[Channel, ...] = ()
    remove: tuple[Channel, ...] = ()
    only: tuple[Channel, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _does_something(self) -> ChannelRequirement:
        if not self.add and not self.remove and self.only is None:
            raise ValueError("a channel requirement needs add, remove or only")
        return self


class ChannelPolicy(_Node):
    fallbacks: dict[Channel, Channel] = Field(
        default_factory=dict, description="when a channel cannot reach the customer, use this one instead"
    )
    requirements: tuple[ChannelRequirement, ...] = ()


class LocaleOverride(_Node):
    name: Name
    reason: str = Field(min_length=1)
    when: tuple[Condition, ...] = Field(min_length=1)
    locale: Locale


class LocalePolicy(_Node):
    default: Locale
    supported: tuple[Locale, ...] = Field(min_length=1)
    stores: dict[str, Locale] = Field(default_factory=dict, description="store hash → default locale")
    overrides: tuple[LocaleOverride, ...] = ()


class Suppression(_Targeted):
    pass


class RuleSet(_Node):
    """A validated rule file. Load it with :func:`routing.load_rules`, which also checks references."""

    version: Literal[1]
    documents: dict[Name, DocumentSpec] = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)
    channel_policy: ChannelPolicy = ChannelPolicy()
    locale_policy: LocalePolicy
    suppressions: tuple[Suppression, ...] = ()
    returns_policy: ReturnsPolicy | None = Field(
        default=None, description="window days, restocking fees, non-returnable categories, reasons"
    )
    _source: str = PrivateAttr(default="<memory>")
    _digest: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """Where the rules were loaded from."""
        return self._source

    @property
    def digest(self) -> str:
        """sha256 of the rule file's bytes: which rules made a decision."""
        return self._digest
