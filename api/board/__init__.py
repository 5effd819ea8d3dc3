"""The waiting-room board and the ticket's status page: public screens fed by the calls the API publishes."""

from api.board.announcer import CallAnnouncer, Subscription
from api.board.controller import ROUTES, BoardState
from api.board.speech import Speaker

__all__ = ["ROUTES", "BoardState", "CallAnnouncer", "Speaker", "Subscription"]
