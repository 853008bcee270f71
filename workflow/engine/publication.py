"""Publishing a programme as open data (the Local Government Transparency Code): its managers mark it public,
or withdraw it, and the log says who did and when. What is published is built by :mod:`workflow.opendata`."""

from __future__ import annotations

from .permissions import SYSTEM, Actor
from .unit_of_work import ProgrammeChanges
from .views import ProgrammeView

PUBLISHED = "published"
UNPUBLISHED = "unpublished"


class PublicationUseCases(ProgrammeChanges):
    """Whether a programme is published as open data."""

    def publish(
        self, programme_id: int, public: bool, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> ProgrammeView:
        """Publish the programme as open data (``public``) or withdraw its publication: one ``published`` or
        ``unpublished`` event with its actor. Asking for what is so already changes nothing and logs nothing.

        Raises:
            NotFoundError, NotAllowedError (only its programme managers and admins), ConflictError.
        """
        with self._unit(programme_id) as session:
            programme, _ = self._begin(session, programme_id, actor, "publish", expected_version)
            if (programme.published_at is not None) == public:
                return self._changed(session, programme)
            now = self.clock()
            programme.published_at = now if public else None
            self._log(session, programme, actor, PUBLISHED if public else UNPUBLISHED, None, None, "")
            return self._changed(session, programme)
