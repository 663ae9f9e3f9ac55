"""Who may read, add and delete documents: one table, keyed by the folder's state, the actor and the action.

Every path that reads, adds or deletes a document asks `allows` (or `check`): the documents views, the upload
pipeline and deletion in services.py (so the application's requirement uploads, innsyn's ettersendelse and
the exchange's letters are covered too), and the reads in selectors.py.

The rules, in words:
- A draft (application, concern), an ettersendelse being put together and the demo page belong to the citizen
  who owns them: they read, add and delete.
- Once sent, the folder is sealed (services.release_to_municipality, in the send's transaction): the citizen
  and the receiving municipality read it; nobody adds or deletes. The citizen adds to a sent case only through
  a new ettersendelse, which is its own folder.
- A case's letters folder is written by the receiving municipality (its caseworkers in the manual inbox, its
  case system through the exchange API) and read by the applicant. Nobody deletes a letter: the case's events
  point at it, and a missing file would make every later report from the municipality invalid.
- Operators, other citizens, other municipalities and anonymous users get nothing.
"""

from enum import StrEnum

from digisos.accounts.models import User

from .models import Folder

MUNICIPAL_CASEWORKER_ROLE = "kommune_saksbehandler"
OPERATOR_ROLE = "operator"


class Action(StrEnum):
    READ = "read"
    ADD = "add"
    DELETE = "delete"


class Actor(StrEnum):
    OWNER = "owner"  # the citizen the folder belongs to
    OTHER_CITIZEN = "other_citizen"
    CASEWORKER = "caseworker"  # a municipal caseworker of the municipality the folder was sent to
    OTHER_EMPLOYEE = "other_employee"  # another municipality's caseworker, a NAV veileder, an analyst
    CASE_SYSTEM = "case_system"  # the receiving municipality's case system (exchange API)
    OTHER_CASE_SYSTEM = "other_case_system"
    OPERATOR = "operator"
    ANONYMOUS = "anonymous"


class FolderState(StrEnum):
    DEMO = "demo"
    DRAFT = "draft"  # an application or concern not yet sent
    SENT = "sent"  # an application or concern sent to the municipality (sealed)
    ETTERSENDELSE_OPEN = "ettersendelse_open"
    ETTERSENDELSE_SENT = "ettersendelse_sent"
    LETTERS = "letters"


READ, ADD, DELETE = Action.READ, Action.ADD, Action.DELETE
_RECEIVER_READS = {Actor.OWNER: {READ}, Actor.CASEWORKER: {READ}, Actor.CASE_SYSTEM: {READ}}

# (state, actor) → the actions allowed. A pair that is not here is allowed nothing.
POLICY: dict[FolderState, dict[Actor, frozenset[Action]]] = {
    state: {actor: frozenset(actions) for actor, actions in rules.items()}
    for state, rules in {
        FolderState.DEMO: {Actor.OWNER: {READ, ADD, DELETE}},
        FolderState.DRAFT: {Actor.OWNER: {READ, ADD, DELETE}},
        FolderState.SENT: _RECEIVER_READS,
        FolderState.ETTERSENDELSE_OPEN: {Actor.OWNER: {READ, ADD, DELETE}},
        FolderState.ETTERSENDELSE_SENT: _RECEIVER_READS,
        FolderState.LETTERS: {
            Actor.OWNER: {READ},
            Actor.CASEWORKER: {READ, ADD},
            Actor.CASE_SYSTEM: {READ, ADD},
        },
    }.items()
}


class NotAllowed(Exception):
    """The actor may not do this to the folder. `visible` says whether they may at least read it: the HTTP
    edge answers 403 with what to do when they can, 404 (revealing nothing) when they cannot."""

    def __init__(self, action: Action, state: FolderState, *, visible: bool) -> None:
        super().__init__(f"{action} not allowed on a {state} folder")
        self.action = action
        self.state = state
        self.visible = visible


def state_of(folder: Folder) -> FolderState:
    sealed = folder.sealed_at is not None
    match folder.kind:
        case Folder.Kind.DEMO:
            return FolderState.DEMO
        case Folder.Kind.LETTERS:
            return FolderState.LETTERS
        case Folder.Kind.ETTERSENDELSE:
            return FolderState.ETTERSENDELSE_SENT if sealed else FolderState.ETTERSENDELSE_OPEN
        case _:  # application, concern
            return FolderState.SENT if sealed else FolderState.DRAFT


def actor_of(user: User, folder: Folder) -> Actor:
    if not user.is_authenticated:
        return Actor.ANONYMOUS
    if user.kind == User.Kind.CITIZEN:
        return Actor.OWNER if folder.owner_id == user.pk else Actor.OTHER_CITIZEN
    receiving = folder.municipality_id is not None and user.municipality_id == folder.municipality_id
    if user.kind == User.Kind.SYSTEM:
        # The exchange API sets the service user's municipality from its token.
        return Actor.CASE_SYSTEM if receiving else Actor.OTHER_CASE_SYSTEM
    roles = user.role_names()
    if receiving and MUNICIPAL_CASEWORKER_ROLE in roles:
        return Actor.CASEWORKER
    if OPERATOR_ROLE in roles:
        return Actor.OPERATOR
    return Actor.OTHER_EMPLOYEE


def allowed_actions(user: User, folder: Folder) -> frozenset[Action]:
    return POLICY[state_of(folder)].get(actor_of(user, folder), frozenset())


def allows(user: User, folder: Folder, action: Action | str) -> bool:
    return Action(action) in allowed_actions(user, folder)


def check(user: User, folder: Folder, action: Action | str) -> None:
    """Raise NotAllowed unless `user` may do `action` in `folder`."""
    allowed = allowed_actions(user, folder)
    if Action(action) not in allowed:
        raise NotAllowed(Action(action), state_of(folder), visible=READ in allowed)
