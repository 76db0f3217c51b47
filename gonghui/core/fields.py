from django.db import models


class BytewiseCharField(models.CharField):
    """Text compared code point by code point: hashes, numbers, pinyin readings, action codes.

    SQLite compares text that way already; on PostgreSQL the column gets the "C" collation, so that
    a list sorted by pinyin comes out in the same order on both, whatever locale the database was
    created with, a B-tree index also serves prefix searches (LIKE 'abc%'; other collations need a
    second, varchar_pattern_ops index), and every index insert compares bytes instead of calling
    the locale's strcoll.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters
