"""Values offered for a person's free-text profile fields, where a form or a template suggests them.

They are suggestions, not a closed list: the roster template's 学历 dropdown warns on another value
but accepts it, and the fields stay plain text.
"""

EDUCATION = ("初中", "高中", "中专", "大专", "本科", "硕士")  # 学历, the template's dropdown
