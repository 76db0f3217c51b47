"""Uploaded documents (founding papers; later claim invoices, case material): the one check they all pass.

PDF, JPG/PNG, Word, Excel or OFD, at most 10 MB, not empty, and the first bytes must be what the
extension says (a renamed executable is refused). The file's own name is never used as a path.
"""

from pathlib import PurePosixPath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gonghui.core.errors import field_error

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
DOCUMENT_SIGNATURES = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".ofd": ZIP,
    ".doc": OLE,
    ".xls": OLE,
}


def validate_document(upload: UploadedFile, field: str = "documents") -> None:
    """PDF, JPG/PNG, Word, Excel or OFD, at most 10 MB, and the content must match the extension."""
    name = upload.name or ""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in DOCUMENT_SIGNATURES:
        raise field_error(
            field, _("「%(name)s」：只能上传PDF、JPG/PNG图片、Word、Excel或OFD文件") % {"name": name}
        )
    if not upload.size:
        raise field_error(field, _("「%(name)s」是空文件") % {"name": name})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise field_error(field, _("「%(name)s」超过10 MB") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(DOCUMENT_SIGNATURES[suffix]):
        raise field_error(field, _("「%(name)s」的内容与文件类型不符") % {"name": name})
