"""The policy catalogue: which policies exist, which Exstream communication renders each, for which region
and language, and where each is published (a page per channel, the checkout's terms per channel, the B2B
invoices' terms per channel).

Loaded from YAML like routing's rule files: every problem is reported at once against its line
(``file:line:column: where: what``), and a catalogue that does not load stops the process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcx.errors import ConfigurationError
from routing.errors import RuleIssue
from routing.yaml_source import YamlSyntaxError, locate, parse

Loc = tuple[str | int, ...]
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StoreIdentity(_Model):
    """Driver data every policy of a store receives: who the legal seller is."""

    name: str = Field(min_length=1)
    legal_entity: str = Field(min_length=1)


class PageTarget(_Model):
    """A storefront page holding the policy's HTML on one channel (created if missing, found by URL)."""

    channel: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=100, description="unique across the store (BigCommerce)")
    url: str = Field(pattern=r"^/.*/$", description="relative storefront URL, e.g. /terms-and-conditions/")


class CheckoutTermsTarget(_Model):
    """The checkout's terms and conditions on one channel: a link to the policy's page there, or its text."""

    channel: int = Field(ge=1)
    mode: Literal["link", "text"] = "link"


class InvoiceTermsTarget(_Model):
    """B2B Edition invoices' ``termsConditions`` (shown on the default invoice PDF) on one channel: every
    open invoice of the channel carries the policy's text."""

    channel: int = Field(ge=1)


class Target(_Model):
    page: PageTarget | None = None
    checkout_terms: CheckoutTermsTarget | None = None
    invoice_terms: InvoiceTermsTarget | None = None


class Policy(_Model):
    id: str = Field(pattern=_ID)
    kind: str = Field(pattern=r"^[a-z_]+$", description="terms_and_conditions, privacy_notice, warranty, …")
    communication_id: str = Field(min_length=1)
    driver_data_source: str = "Driver"
    region: str = Field(min_length=2, description="ISO 3166 country/subdivision (US, CA-QC) or a name (EU)")
    locale: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="BCP 47")
    publish: list[Target] = Field(min_length=1)

    def pages(self) -> Iterator[PageTarget]:
        return (t.page for t in self.publish if t.page is not None)

    def checkout_terms(self) -> Iterator[CheckoutTermsTarget]:
        return (t.checkout_terms for t in self.publish if t.checkout_terms is not None)

    def invoice_terms(self) -> Iterator[InvoiceTermsTarget]:
        return (t.invoice_terms for t in self.publish if t.invoice_terms is not None)

    def channels(self) -> set[int]:
        return (
            {t.channel for t in self.pages()}
            | {t.channel for t in self.checkout_terms()}
            | {t.channel for t in self.invoice_terms()}
        )

    def page_on(self, channel: int) -> PageTarget | None:
        return next((p for p in self.pages() if p.channel == channel), None)


class Catalogue(_Model):
    stores: dict[str, StoreIdentity] = Field(min_length=1)
    policies: list[Policy] = Field(min_length=1)

    def policy(self, policy_id: str) -> Policy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise ConfigurationError(
            f"unknown policy {policy_id!r} (known: {', '.join(p.id for p in self.policies)})"
        )

    def select(self, policy_id: str | None = None, channel: int | None = None) -> list[Policy]:
        """The policies to act on: one by id, or those publishing to ``channel``, or all."""
        chosen = [self.policy(policy_id)] if policy_id else list(self.policies)
        if channel is not None:
            chosen = [p for p in chosen if channel in p.channels()]
        return chosen

    def drift_scopes(self) -> tuple[str, ...]:
        """The channel webhooks that can change a published target: ``store/channel/{id}/page/created``
        and ``…/updated`` per channel with a page, ``…/settings/checkout/updated`` per channel whose checkout
        terms are set (channels.mdx); sorted by channel."""
        pages = {t.channel for p in self.policies for t in p.pages()}
        checkouts = {t.channel for p in self.policies for t in p.checkout_terms()}
        scopes: list[str] = []
        for channel in sorted(pages | checkouts):
            if channel in pages:
                scopes += [f"store/channel/{channel}/page/created", f"store/channel/{channel}/page/updated"]
            if channel in checkouts:
                scopes.append(f"store/channel/{channel}/settings/checkout/updated")
        return tuple(scopes)


class CatalogueError(ConfigurationError):
    """The catalogue is unreadable or invalid; ``issues`` lists every problem with its line."""

    def __init__(self, source: str, issues: list[RuleIssue]) -> None:
        self.issues = tuple(sorted(issues, key=lambda i: (i.line or 0, i.column or 0)))
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        count = len(self.issues)
        super().__init__(
            f"{source}: {count} problem{'s' if count != 1 else ''} in the policy catalogue\n{lines}"
        )


def default_catalogue_path() -> Path:
    return Path(str(resources.files("consumers.policy_publisher") / "catalogue.yaml"))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    file = Path(path) if path is not None else default_catalogue_path()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(
            str(file), [RuleIssue(str(file), None, None, "", f"cannot read: {exc}")]
        ) from exc
    return parse_catalogue(text, str(file))


def parse_catalogue(text: str, source: str = "<catalogue>") -> Catalogue:
    try:
        data, root, issues = parse(text, source)
    except YamlSyntaxError as exc:
        raise CatalogueError(source, [exc.issue]) from exc
    if not isinstance(data, dict):
        raise CatalogueError(source, [*issues, RuleIssue(source, 1, 1, "", "a catalogue is a mapping")])
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            line, column, where = locate(root, loc)
            message = f"{loc[-1]}: {error['msg']}" if error["type"] == "missing" and loc else error["msg"]
            issues.append(RuleIssue(source, line, column, where, message))
        raise CatalogueError(source, issues) from exc
    for loc, message in reference_problems(catalogue):
        line, column, where = locate(root, loc)
        issues.append(RuleIssue(source, line, column, where, message))
    if issues:
        raise CatalogueError(source, issues)
    return catalogue


def reference_problems(catalogue: Catalogue) -> Iterator[tuple[Loc, str]]:
    """What a schema cannot see: duplicates across policies and links to pages that are not published."""
    ids = Counter(p.id for p in catalogue.policies)
    names: Counter[str] = Counter()
    urls: Counter[tuple[int, str]] = Counter()
    checkouts: dict[int, str] = {}
    invoices: dict[int, str] = {}
    for index, policy in enumerate(catalogue.policies):
        here: Loc = ("policies", index)
        if ids[policy.id] > 1:
            yield (*here, "id"), f"policy id {policy.id!r} is used {ids[policy.id]} times"
        for t_index, target in enumerate(policy.publish):
            at: Loc = (*here, "publish", t_index)
            kinds = (target.page, target.checkout_terms, target.invoice_terms)
            if sum(kind is not None for kind in kinds) != 1:
                yield at, "a target is exactly one of page, checkout_terms or invoice_terms"
            if target.invoice_terms is not None:
                owner = invoices.setdefault(target.invoice_terms.channel, policy.id)
                if owner != policy.id:
                    yield (
                        (*at, "invoice_terms"),
                        f"channel {target.invoice_terms.channel}'s invoice terms belong to {owner}",
                    )
            if target.page is not None:
                names[target.page.name] += 1
                urls[(target.page.channel, target.page.url)] += 1
                if names[target.page.name] == 2:
                    yield (*at, "page", "name"), f"page name {target.page.name!r} is not unique (BigCommerce)"
                if urls[(target.page.channel, target.page.url)] == 2:
                    yield (
                        (*at, "page", "url"),
                        f"{target.page.url} is published twice on channel {target.page.channel}",
                    )
            terms = target.checkout_terms
            if terms is not None:
                owner = checkouts.setdefault(terms.channel, policy.id)
                if owner != policy.id:
                    yield (
                        (*at, "checkout_terms"),
                        f"channel {terms.channel}'s checkout terms belong to {owner}",
                    )
                if terms.mode == "link" and policy.page_on(terms.channel) is None:
                    yield (
                        (*at, "checkout_terms", "mode"),
                        f"link mode needs a page of {policy.id} on channel {terms.channel}",
                    )


def driver_data(policy: Policy, store: StoreIdentity) -> dict[str, Any]:
    """What the communication renders from: the policy's place and the store's legal identity."""
    return {
        "policy": policy.id,
        "kind": policy.kind,
        "region": policy.region,
        "locale": policy.locale,
        "store": {"name": store.name, "legal_entity": store.legal_entity},
    }
