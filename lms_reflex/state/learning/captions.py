"""The player's captions (issue 21): the lesson's tracks and the viewer's chosen language.

The tracks come from the learning service, which applies the lesson's own access rule; the
files themselves are judged again by the media route on every request. The choice is a
preference of this browser, like the autoplay switch: kept in local storage, and applied
to the <video>'s text tracks in the browser, on this lesson and the next ones.
"""

from __future__ import annotations

import json

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning.captions import CaptionTrack, player_captions
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import route_param

OFF = "off"
CAPTIONS_SELECT_ID = "captions-language"
_VIDEO = "#lesson-video video"  # state/learning/player.py: VIDEO_BOX_ID


def apply_script(src: str) -> rx.event.EventSpec:
    """Show the <track> whose src is `src` and hide the others ('' hides them all).

    Tracks are matched by their file, not their language, so a track of the lesson that
    was on screen before cannot be picked up while React swaps them; the script waits for
    the new track to appear (up to 5 s).
    """
    want = json.dumps(src)
    return rx.call_script(
        "(function apply(tries){const v=document.querySelector(" + json.dumps(_VIDEO) + ");"
        "const els=v?Array.from(v.querySelectorAll('track')):[];"
        "const hit=els.find(e=>e.getAttribute('src')===" + want + ");"
        "if(v&&(" + want + "===''||hit)){for(const e of els){"
        "e.track.mode=(e===hit)?'showing':'disabled';}return;}"
        "if(tries>0)setTimeout(()=>apply(tries-1),100);})(50)"
    )


class CaptionsState(rx.State):
    """Caption tracks of the lesson on screen (no var is named like a route argument)."""

    tracks: list[CaptionTrack] = []
    choice: str = rx.LocalStorage(OFF, name="lms_captions", sync=True)

    @rx.var
    def selected(self) -> str:
        """The remembered language when this lesson has it, else "off"."""
        return self.choice if any(t.language == self.choice for t in self.tracks) else OFF

    def _apply(self) -> rx.event.EventSpec:
        src = next((t.url for t in self.tracks if t.language == self.choice), "")
        return apply_script(src)

    def _show_tracks(self, tracks: list[CaptionTrack]) -> rx.event.EventSpec | None:
        """Show a lesson's tracks and turn on the remembered language if it has it."""
        self.tracks = tracks
        return self._apply() if self.tracks else None

    @rx.event
    async def load(self):
        """Read the tracks of the lesson in the URL (the player's load reads them itself)."""
        lesson_id = parse_id(route_param(self, "lesson"))
        try:
            tracks = await call_service(
                player_captions, readonly=True, actor=await current_actor(self), lesson_id=lesson_id
            )
        except DomainError:
            tracks = []  # the player says why the lesson is closed
        return self._show_tracks(tracks)

    @rx.event
    def choose(self, value: str):
        """The captions menu: "off" or a language of this lesson (anything else is ignored)."""
        if value == OFF or any(t.language == value for t in self.tracks):
            self.choice = value
        return self._apply()
