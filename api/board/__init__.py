"""The waiting-room board: a public screen fed by the calls the API publishes."""

from api.board.announcer import CallAnnouncer
from api.board.controller import ROUTES, BoardState
from api.board.speech import Speaker
from api.pubsub import Subscription

__all__ = ["ROUTES", "BoardState", "CallAnnouncer", "Speaker", "Subscription"]
