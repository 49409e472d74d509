"""How results are shown: ``render(document) -> str`` turns a results document into one HTML page."""

from reports.html import render

__all__ = ["render"]
