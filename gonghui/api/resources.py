"""What the skills and rights resources share: a base with numeric ids, and the lists' filters —
the same as the pages' filter forms, read from the query string through a serializer, so a wrong
value is a 400 naming the parameter instead of an empty list or a 500."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gonghui.api.views import ReadOnly


class Resource(ReadOnly):
    """Ids are numbers: any other address falls through to the API's problem-details 404. Each
    resource names its model in an empty `queryset`, for the schema's types; its rows come from
    get_queryset, through the app's selectors."""

    lookup_value_regex = "[0-9]+"


def filters(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {k: v for k, v in serializer.validated_data.items() if v not in (None, "", False)}


def year_field():
    return serializers.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=9999)


def id_field(label):
    return serializers.IntegerField(label=label, required=False, min_value=1, max_value=2**63 - 1)


def choice_field(label, choices):
    return serializers.ChoiceField(label=label, required=False, choices=list(choices))


class PersonKeySerializer(serializers.Serializer):
    person = serializers.CharField(label=_("公民身份号码或会员证号"), max_length=30)
