# English pages write dates and numbers as the Chinese ones do.
from gonghui.formats.zh_Hans.formats import *  # noqa: F403
