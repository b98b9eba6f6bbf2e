"""Card-sized copies of course thumbnails, for the catalog's course cards.

A thumbnail is stored at 1280x720 for the course page and link previews, but a card shows
it about 300 px wide: the full picture is four times the bytes a card needs, and the home
page shows a dozen of them (benchmarks/frontend_bench.py). A card copy is a 640x360 WebP
(sharp on a 2x screen) named after its thumbnail, `cards/<same hex>.webp`. It is made from
the stored thumbnail on its first request, so existing courses, restored backups and the
demo data get one without a migration; it is removed with its thumbnail.
"""

from __future__ import annotations

from lms_reflex.media import images, storage
from lms_reflex.services.errors import InvalidInput

CARD = images.PictureSpec(size=(640, 360), encoding="WEBP")
CARDS = "cards"
THUMBNAILS = "thumbnails"
_THUMBNAIL_EXTENSIONS = (".jpg", ".png", ".webp")


def is_card_key(key: str) -> bool:
    """Card keys are checked by their thumbnail's rule, and made on demand."""
    return key.startswith(CARDS + "/")


def card_key(thumbnail_key: str | None) -> str | None:
    """The card copy's key of a thumbnail key, or None for no (or a malformed) thumbnail."""
    if not thumbnail_key or not storage.is_valid_key(thumbnail_key):
        return None
    kind, name = thumbnail_key.split("/", 1)
    if kind != THUMBNAILS:
        return None
    return f"{CARDS}/{name.rsplit('.', 1)[0]}.webp"


def thumbnail_keys(key: str) -> list[str]:
    """The thumbnail keys a card key can come from (thumbnails are stored as JPEG today)."""
    if not (is_card_key(key) and storage.is_valid_key(key)):
        return []
    stem = key.split("/", 1)[1].rsplit(".", 1)[0]
    return [f"{THUMBNAILS}/{stem}{ext}" for ext in _THUMBNAIL_EXTENSIONS]


def make_card(key: str) -> bool:
    """Write the card copy of `key` from its stored thumbnail; False when there is none.

    A stored file that is not a readable picture (a hand-edited restore, say) also gives
    False, so the card answers 404 rather than an error. Blocking (Pillow and a file
    write): callers run it in a thread. Two requests racing write the same bytes, and each
    write is atomic (storage.write_atomic).
    """
    for source in thumbnail_keys(key):
        path = storage.path_for(source)
        if path.is_file():
            try:
                card = images.picture_from_upload(path.read_bytes(), CARD)
            except InvalidInput:
                return False
            storage.write_atomic(key, card)
            return True
    return False
