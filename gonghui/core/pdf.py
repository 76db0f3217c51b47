"""Printable documents (certificates, score sheets, letters, reports) as PDF from a template.

WeasyPrint lays the page out with the system's Noto CJK fonts (installed by the set-up), which it
subsets and embeds; a document fetches nothing at run time: images come inline as data: URLs and
every other address is refused, so a template cannot leak a request to a remote host.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher


class RemoteFetchRefused(FatalURLFetchingError):
    """A template asked for something other than an inline data: URL."""


class _InlineOnly(URLFetcher):
    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise RemoteFetchRefused(url)
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template (which should extend core/pdf_base.html) rendered to PDF bytes."""
    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_InlineOnly()).write_pdf()
