"""A plain HTML <video> whose media events carry the playback position.

rx.video (react-player 3) reports positions from `event.target.api.playerInfo`, which
only its embedded players have; for a plain file every report was 0. The native element
has `currentTime` on the event target, and gives pause a position too.
"""

from __future__ import annotations

from reflex_base.components.component import field
from reflex_base.event import EventHandler, no_args_event_spec
from reflex_base.vars.base import Var
from reflex_base.vars.object import ObjectVar
from reflex_components_core.el.elements.media import Video


def _position(event: ObjectVar[dict]) -> list[Var[float]]:
    """The element's current time in seconds."""
    return [event["target"].to(dict)["currentTime"].to(float)]


class LessonVideo(Video):
    """<video> with time update, seek, pause and end events that report the position."""

    on_time_update: EventHandler[_position] = field(doc="Playback moved (several times a s).")
    on_seeked: EventHandler[_position] = field(doc="The viewer jumped to a new position.")
    on_pause: EventHandler[_position] = field(doc="Playback paused.")
    on_ended: EventHandler[no_args_event_spec] = field(doc="Playback reached the end.")


lesson_video = LessonVideo.create
