"""The shape items take in seed files, import bundles and admin writes; export dumps the same."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields, validate

from service.content.models import Status
from service.content.schemas import LANGUAGE_PATTERN, Schema, Slug, slug_validator


class Ref(fields.String):
    """The slug of another item: a string on input, the related object's slug on output."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=[validate.Length(min=1, max=80), slug_validator], **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None and not isinstance(value, str):
            value = value.slug
        return super()._serialize(value, attr, obj, **kwargs)


def refs(**kwargs: Any) -> fields.List[Any]:
    return fields.List(Ref(), load_default=list, **kwargs)


def text(max_length: int = 5000, **kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)


def text_list(**kwargs: Any) -> fields.List[Any]:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=2000)),
        load_default=list,
        validate=validate.Length(max=100),
        **kwargs,
    )


def count(low: int = 0, high: int = 3600, **kwargs: Any) -> fields.Integer:
    """An optional whole number in range (seconds, breaths, repetitions...)."""
    return fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=low, max=high), **kwargs
    )


def translation_problems(
    schema: ma.Schema, text_fields: tuple[str, ...], translations: dict[str, Any] | None
) -> list[str]:
    """What is wrong with `{language: {field: value}}`: unknown fields, or values that are not
    text of the field's own shape (a string, or a list of strings for a list field)."""
    problems = []
    for language, values in (translations or {}).items():
        unknown = sorted(set(values) - set(text_fields))
        if unknown:
            problems.append(
                f"{language}: {', '.join(unknown)} cannot be translated; "
                f"translatable fields are {', '.join(text_fields)}."
            )
        misshapen = []
        for name in sorted(set(values) & set(text_fields)):
            value = values[name]
            if isinstance(schema.fields.get(name), fields.List):
                fits = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                fits = isinstance(value, str)
            if not fits:
                misshapen.append(name)
        if misshapen:
            problems.append(
                f"{language}: {', '.join(misshapen)} must be translated as text of the same "
                "shape (a string, or a list of strings for a list)."
            )
    return problems


class Flag(fields.Boolean):
    """A JSON boolean and nothing else: 0, 1 or "yes" in a body is a client bug to report."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def flag(**kwargs: Any) -> Flag:
    return Flag(load_default=False, **kwargs)


class Tag(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=[validate.Length(min=1, max=80), slug_validator], **kwargs)


class BundleItemSchema(Schema):
    """Fields every content item has in a bundle. Unknown fields are rejected."""

    # The model whose TEXT_FIELDS may appear in translations.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Pairs (low, high) of fields where low must not exceed high.
    RANGES: ClassVar[tuple[tuple[str, str], ...]] = ()

    slug = Slug(required=True)
    status = fields.Enum(Status, by_value=True, load_default=Status.PUBLISHED)
    sources = fields.List(Ref(), required=True, validate=validate.Length(min=1, max=20))
    tags = fields.List(Tag(), load_default=list, validate=validate.Length(max=50))
    translations = fields.Dict(
        keys=fields.String(validate=validate.Regexp(LANGUAGE_PATTERN)),
        values=fields.Dict(keys=fields.String(), values=fields.Raw()),
        load_default=dict,
        metadata={"description": "{language: {text field: translated value}}"},
    )
    last_reviewed = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "Date of the last clinical review; publishing needs one"},
    )
    next_review = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "Date by which the item must be reviewed again"},
    )
    reviewed_by = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Who did the last review; required with last_reviewed"},
    )

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        # A whole number in a JSON body is a JSON integer: 2.5 (or 1e-42) for a count of
        # seconds is a client bug to report, not a number to round.
        if isinstance(field_obj, fields.Integer):
            field_obj.strict = True
        super().on_bind_field(field_name, field_obj)

    @ma.validates_schema
    def _check_ranges(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for low, high in self.RANGES:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                errors[low] = [f"Must not be greater than {high}."]
        reviewed, due = data.get("last_reviewed"), data.get("next_review")
        if reviewed is not None and due is not None and due <= reviewed:
            errors["next_review"] = ["Must be after last_reviewed."]
        if reviewed is not None and not data.get("reviewed_by"):
            errors["reviewed_by"] = ["Say who reviewed the item when last_reviewed is set."]
        problems = translation_problems(self, self.TEXT_FIELDS, data.get("translations"))
        if problems:
            errors["translations"] = problems
        if errors:
            raise ma.ValidationError(errors)
