"""Bibliography entries in a citation format: BibTeX, CSL-JSON or a plain reference list.

The citation key of every entry is its source key, so that ``\\cite{…}`` in the LaTeX tables and
``[@…]`` in the Markdown captions resolve against the output of ``cite``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ca_profiles.render.formats import escape_tex
from ca_profiles.textformats import to_json

if TYPE_CHECKING:
    from ca_profiles.model import Source


class CitationFormat(StrEnum):
    text = "text"
    bibtex = "bibtex"
    csl_json = "csl-json"


def render(entries: list[tuple[str, Source]], fmt: CitationFormat) -> str:
    """The one dispatch from a list of (key, source) to the text of a bibliography."""
    if fmt is CitationFormat.bibtex:
        return "\n".join(bibtex(key, source) for key, source in entries)
    if fmt is CitationFormat.csl_json:
        return to_json([csl(key, source) for key, source in entries])
    return "".join(reference(key, source) + "\n" for key, source in entries)


#: Entry types that classic BibTeX styles and biblatex both know, and the field that names the
#: publisher in each; ``misc`` has no publisher field in classic BibTeX, so it goes in
#: ``howpublished``.
_BIBTEX_TYPES = {
    "article": ("article", "journal"),
    "book": ("book", "publisher"),
    "report": ("techreport", "institution"),
    "dataset": ("misc", "howpublished"),
    "webpage": ("misc", "howpublished"),
    "legal": ("misc", "howpublished"),
}


def bibtex(key: str, source: Source) -> str:
    """One BibTeX entry.

    Author and title are braced whole: authors in the data are written as they appear (often
    an organisation, sometimes several people in one string), so BibTeX must not split them into
    first and last names, and titles keep their capitals whatever the style does with case.
    """
    entry_type, publisher_field = _BIBTEX_TYPES[source.kind]
    fields: list[tuple[str, str]] = []
    if source.author:
        fields.append(("author", "{" + escape_bibtex(source.author) + "}"))
    fields.append(("title", "{" + escape_bibtex(source.title) + "}"))
    fields.append((publisher_field, escape_bibtex(source.publisher)))
    if source.year is not None:
        fields.append(("year", str(source.year)))
    # URLs are read verbatim by biblatex and \url: only braces, which would unbalance the
    # entry, are percent-encoded.
    fields.append(("url", source.url.replace("{", "%7B").replace("}", "%7D")))
    fields.append(("urldate", source.accessed.isoformat()))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}}}\n"


def escape_bibtex(text: str) -> str:
    """Text for a BibTeX field: TeX's specials escaped, and braces as commands, since BibTeX
    counts every brace, escaped or not, to find where a field ends."""
    return escape_tex(text).replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")


_CSL_TYPES = {
    "article": "article-newspaper",
    "book": "book",
    "report": "report",
    "dataset": "dataset",
    "webpage": "webpage",
    "legal": "legislation",
}


def csl(key: str, source: Source) -> dict[str, Any]:
    """One CSL-JSON item. An unknown year leaves ``issued`` out: styles print their own "n.d."."""
    item: dict[str, Any] = {"id": key, "type": _CSL_TYPES[source.kind], "title": source.title}
    if source.author:
        # Written as the source shows it; a literal name is never split into given and family.
        item["author"] = [{"literal": source.author}]
    item["publisher"] = source.publisher
    if source.kind in ("article", "webpage"):
        item["container-title"] = source.publisher
    if source.year is not None:
        item["issued"] = {"date-parts": [[source.year]]}
    item["URL"] = source.url
    accessed = source.accessed
    item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    if source.origin is not None:
        # CSL has no field for who stands behind a source; ``custom`` holds such key-value pairs.
        item["custom"] = {"origin": source.origin}
    return item


def reference(key: str, source: Source) -> str:
    """One line of an author-date reference list, led by the citation key.

    Without an author the publisher stands in the author's place, and is not named twice. Who
    stands behind the source (its origin) closes the line.
    """
    year = "n.d." if source.year is None else str(source.year)
    lead = source.author or source.publisher
    parts = [f"[{key}] {lead} ({year}).", _sentence(source.title)]
    if source.author and source.publisher != source.author:
        parts.append(_sentence(source.publisher))
    parts.append(f"{source.url} (accessed {source.accessed.isoformat()}).")
    if source.origin is not None:
        parts.append(f"Origin: {source.origin}.")
    return " ".join(parts)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."
