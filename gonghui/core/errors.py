from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str | None = None) -> ValidationError:
    """A ValidationError attached to one field, so forms show it beside that field."""
    return ValidationError({field: ValidationError(message, code=code)})


def on_field(field: str, validate, value):
    """validate(value), its ValidationError attached to the form field `field`."""
    try:
        return validate(value)
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from None
