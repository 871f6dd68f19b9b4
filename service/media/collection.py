"""The media collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, PublicApi
from service.media import files, queries, schemas
from service.media.models import MediaAsset

COLLECTION = Collection(
    name="media",
    model=MediaAsset,
    input_schema=schemas.MediaInSchema,
    relations=SOURCES,
    check=files.check_stored,
    public=PublicApi(
        singular="media_asset",
        description=(
            "Pictures of how to do each movement: alt text, caption, licence, and the URLs of "
            "their renditions (320, 640 and 1280 px wide, WebP with a JPEG or PNG fallback)."
        ),
        list_schema=schemas.MediaSummarySchema,
        detail_schema=schemas.MediaSchema,
        args_schema=schemas.MediaQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
