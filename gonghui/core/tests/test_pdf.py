import io

import pytest
from pypdf import PdfReader

from gonghui.core.pdf import RemoteFetchRefused, render_pdf
from gonghui.core.qr import qr_svg


@pytest.fixture
def template(tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    def write(body: str) -> str:
        (tmp_path / "doc.html").write_text(
            '{% extends "core/pdf_base.html" %}{% block body %}' + body + "{% endblock %}"
        )
        return "doc.html"

    return write


def test_chinese_text_is_embedded_and_extractable(template):
    pdf = render_pdf(
        template("<h1>结业证书</h1><p>{{ name }} 编号 {{ number }}</p>"),
        {"name": "张*明", "number": "GJ-2024-0001"},
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "结业证书" in text
    assert "张*明" in text
    assert "GJ-2024-0001" in text


def test_a_document_fetches_nothing_remote(template):
    with pytest.raises(RemoteFetchRefused):
        render_pdf(template('<img src="http://example.invalid/logo.png">'), {})


def test_qr_code_is_inline_svg_that_carries_the_data():
    svg = qr_svg("https://gonghui.example/verify/abc")
    assert svg.startswith("<svg") and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<path" in svg
