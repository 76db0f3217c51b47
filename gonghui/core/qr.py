"""QR codes as inline SVG (segno): certificates' verification links, member cards."""

import segno


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An <svg> element, to place in a page or a PDF as it is (nothing to fetch)."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=2)
