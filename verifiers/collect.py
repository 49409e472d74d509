"""The collector: finds claims in the ``claims`` package and in entry points, and validates them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from importlib.metadata import entry_points
from types import ModuleType

from verifiers import latex
from verifiers.errors import InvalidClaim
from verifiers.model import CHECK_MARK, METHODS, Claim, Origin, Source
from verifiers.params import Choice, Choices, Flag, Integer, Real, Vector
from verifiers.quotes import SourceText, load_texts

ENTRY_POINT_GROUP = "claims.sources"
_ID = re.compile(r"^[a-z][a-z0-9_]*/[a-z0-9][a-z0-9-]*$")
_PARAM_TYPES = (Real, Integer, Flag, Choice, Choices, Vector)


@dataclass(frozen=True)
class Catalogue:
    """All validated claims and their sources, in a stable order."""

    claims: tuple[Claim, ...]
    sources: dict[str, Source]

    def get(self, claim_id: str) -> Claim | None:
        """The claim with this id, or ``None``."""
        return next((c for c in self.claims if c.id == claim_id), None)


def collect(packages: Iterable[str] | None = None,
            on_error: Callable[[InvalidClaim], None] | None = None) -> Catalogue:
    """Import every source package and return its validated claims.

    Parameters
    ----------
    packages : iterable of str, optional
        Dotted names of source packages; by default every subpackage of ``claims``
        plus the packages named in the ``claims.sources`` entry-point group.
    on_error : callable, optional
        Lenient mode: each ``InvalidClaim`` is passed here and the offending
        package or module is skipped, so one bad module cannot hide the others.

    Raises
    ------
    InvalidClaim
        If a claim is malformed or an id is declared twice (strict mode only).
    """
    def report(error: InvalidClaim) -> None:
        if on_error is None:
            raise error
        on_error(error)

    claims: dict[str, Claim] = {}
    sources: dict[str, Source] = {}
    for name in list(packages) if packages is not None else default_packages():
        try:
            package = _import(name)
            declared = _sources_of(package)
            texts = load_texts(package, declared)
        except InvalidClaim as error:
            report(error)
            continue
        sources.update({s.id: s for s in declared})
        for module_name in _module_names(package):
            try:
                found = _claims_in(_import(module_name), declared, texts)
                _add(claims, found)
            except InvalidClaim as error:
                report(error)
    return Catalogue(tuple(sorted(claims.values(), key=lambda c: c.id)), sources)


def _add(claims: dict[str, Claim], found: list[Claim]) -> None:
    for c in found:
        if c.id in claims:
            raise InvalidClaim(c.module, c.id, "id", f"already declared in module {claims[c.id].module}")
    claims.update({c.id: c for c in found})


def default_packages() -> list[str]:
    """Subpackages of ``claims`` plus the entry-point group ``claims.sources``."""
    import claims

    local = [f"claims.{m.name}" for m in pkgutil.iter_modules(claims.__path__) if m.ispkg]
    external = [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return sorted(set(local)) + [e for e in external if e not in local]


def _sources_of(package: ModuleType) -> tuple[Source, ...]:
    """The sources a package declares: ``SOURCES = (Source(...), ...)`` or ``SOURCE = Source(...)``.

    The first one is the package's own: claim ids start with its id.
    """
    declared = getattr(package, "SOURCES", None)
    if declared is None:
        declared = (getattr(package, "SOURCE", None),)
    if not isinstance(declared, (tuple, list)) or not declared or not all(isinstance(s, Source) for s in declared):
        raise InvalidClaim(package.__name__, "?", "SOURCE",
                           "a source package must define SOURCE = Source(...) or SOURCES = (Source(...), ...) "
                           "in its __init__.py")
    ids = [s.id for s in declared]
    if len(set(ids)) != len(ids):
        raise InvalidClaim(package.__name__, "?", "SOURCES", f"source ids must be unique, got {ids}")
    return tuple(declared)


def _module_names(package: ModuleType) -> list[str]:
    found = [info.name for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")]
    return [package.__name__, *sorted(found)]


def _import(name: str) -> ModuleType:
    """Import a claim module; any failure becomes an InvalidClaim naming the module."""
    try:
        return importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - a broken claim module must not crash the suite
        where = ""
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = f" (line {exc.lineno})"
        raise InvalidClaim(name, "?", "module", f"cannot import: {type(exc).__name__}: {exc}{where}") from exc


def _claims_in(module: ModuleType, sources: tuple[Source, ...], texts: dict[str, SourceText]) -> list[Claim]:
    declared = {c.id: c for c in vars(module).values() if isinstance(c, Claim)}
    checks: dict[str, dict[str, object]] = {cid: {} for cid in declared}
    for fn in vars(module).values():
        mark = getattr(fn, CHECK_MARK, None)
        if mark is None or getattr(fn, "__module__", None) != module.__name__:
            continue
        claim_id, method = mark
        if claim_id not in declared:
            raise InvalidClaim(module.__name__, claim_id, f"checks.{method}",
                               f"check {fn.__name__} targets a claim not declared in this module")
        if method in checks[claim_id]:
            raise InvalidClaim(module.__name__, claim_id, f"checks.{method}", "declared twice")
        checks[claim_id][method] = fn
    return [validate(replace(c, module=module.__name__, checks=checks[c.id]), sources, texts)
            for c in declared.values()]


def validate(c: Claim, sources: tuple[Source, ...] | str,
             texts: dict[str, SourceText] | None = None) -> Claim:
    """Return ``c`` unchanged if well formed, else raise :class:`InvalidClaim`.

    ``sources`` are the package's declared sources (the first one's id is the id
    prefix; a bare id stands for a package declaring that one source); ``texts``
    their loaded texts, against which quotes are checked verbatim.
    """
    def fail(field: str, message: str) -> InvalidClaim:
        return InvalidClaim(c.module, c.id, field, message)

    source_ids = [sources] if isinstance(sources, str) else [s.id for s in sources]
    if not isinstance(c.id, str) or not _ID.match(c.id):
        raise fail("id", f"expected 'source/slug' in lowercase, got {c.id!r}")
    if c.source != source_ids[0]:
        raise fail("id", f"expected the prefix {source_ids[0]!r} of the package it is declared in")
    for name in ("title", "statement"):
        if not str(getattr(c, name)).strip():
            raise fail(name, "must be a non-empty string")
    if not (c.reference.section.strip() and c.reference.quote.strip()):
        raise fail("reference", "expected a section and the quoted sentence it formalizes")
    if c.reference.source not in source_ids:
        raise fail("reference.source", f"{c.reference.source!r} is not a source of this package; "
                                       f"expected one of {', '.join(source_ids)} (declare it in SOURCES)")
    _validate_origin(c, fail)
    _validate_latex(c, fail)
    text = (texts or {}).get(c.reference.source)
    if text is not None and (missing := text.missing(c.reference.quote)) is not None:
        raise fail("reference.quote", f"not verbatim in {c.reference.source}'s text ({', '.join(text.files)}): "
                                      f"the fragment {missing!r} was not found")
    for name, param in c.params.items():
        if not isinstance(param, _PARAM_TYPES):
            raise fail(f"params.{name}", f"expected Real, Integer, Flag, Choice, Choices or Vector, got {param!r}")
        if (why := param.check(param.default)) is not None:
            raise fail(f"params.{name}.default", why)
    bad = [m for m in c.checks if m not in METHODS]
    if bad:
        raise fail("checks", f"unknown method {bad[0]!r}; expected one of {', '.join(METHODS)}")
    if c.expect == "skipped":
        if not c.skip_reason.strip():
            raise fail("skip_reason", "a skipped claim must say why")
        return c
    if not c.checks:
        raise fail("checks", "expected at least one @check function in the module")
    _validate_controls(c, fail)
    return c


def _validate_latex(c: Claim, fail) -> None:  # noqa: ANN001 - local error factory
    """Every piece of math must render: the statement (LaTeX) and the $...$ of title, notes and quote."""
    code = re.compile(r"`[^`\n]+`")
    fields = (("statement", latex.problems(c.statement)), ("title", latex.text_problems(c.title)),
              ("notes", latex.text_problems(code.sub("", c.notes))),
              ("reference.quote", latex.text_problems(c.reference.quote)))
    for name, found in fields:
        if found:
            raise fail(name, f"{found[0]} (the report renders math with latex2mathml; write it inside $...$ "
                             "with supported macros, or add a rewrite to verifiers/latex.py)")


def _validate_origin(c: Claim, fail) -> None:  # noqa: ANN001 - local error factory
    if not isinstance(c.origin, Origin):
        raise fail("origin", "every claim declares its origin: origin=SOURCE_STATEMENT (the source states it), "
                             "OUR_FINDING, or literature('authors, year, venue')")
    if c.origin.kind == "literature" and not c.origin.citation.strip():
        raise fail("origin", "a literature result needs its citation")


def _validate_controls(c: Claim, fail) -> None:  # noqa: ANN001 - local error factory
    if not c.negative_controls:
        raise fail("negative_controls", "expected at least one negative control (a false variant to refute)")
    names = [nc.name for nc in c.negative_controls]
    if len(set(names)) != len(names) or not all(names):
        raise fail("negative_controls", f"names must be unique and non-empty, got {names}")
    for nc in c.negative_controls:
        unknown = [m for m in nc.methods if m not in c.checks]
        if unknown:
            raise fail(f"negative_controls.{nc.name}.methods",
                       f"{unknown[0]!r} is not a check of this claim; expected some of {', '.join(c.checks)}")
        for key, value in nc.params.items():
            if key not in c.params:
                raise fail(f"negative_controls.{nc.name}.{key}", f"unknown parameter; expected one of {sorted(c.params)}")
            if (why := c.params[key].check(value)) is not None:
                raise fail(f"negative_controls.{nc.name}.{key}", why)
