"""The player's caption tracks and captions menu (issue 21).

The <track> files are served by our own media route, same origin as the page, so the
<video> needs no `crossorigin` attribute: the browser fetches them in same-origin mode
with the session cookie, and the route checks the viewer like it checks the video.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.services.learning.captions import CaptionTrack
from lms_reflex.state.learning.captions import CAPTIONS_SELECT_ID, OFF, CaptionsState


def _track(track: rx.Var[CaptionTrack]) -> rx.Component:
    return rx.el.track(kind="subtitles", src=track.url, src_lang=track.language, label=track.label,
                       key=track.url)  # fmt: skip


def caption_tracks() -> rx.Component:
    """One <track> per language, to put inside the lesson's <video>."""
    return rx.foreach(CaptionsState.tracks, _track)


def _option(track: rx.Var[CaptionTrack]) -> rx.Component:
    return rx.el.option(track.label, value=track.language, lang=track.language)


def captions_menu() -> rx.Component:
    """Off or a language; the choice is remembered in this browser for the next lessons."""
    return rx.cond(
        CaptionsState.tracks.length() > 0,
        rx.hstack(
            rx.el.label("Captions", html_for=CAPTIONS_SELECT_ID, style={"font_size": "14px"}),
            rx.el.select(
                rx.el.option("Off", value=OFF),
                rx.foreach(CaptionsState.tracks, _option),
                id=CAPTIONS_SELECT_ID, value=CaptionsState.selected,
                on_change=CaptionsState.choose, style={"padding": "0.3rem"},
            ),
            align="center",
        ),
    )  # fmt: skip
