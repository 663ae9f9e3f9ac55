"""PDF uploads: opened with pikepdf, refused when encrypted or empty, and stripped of active content."""

import io

import pikepdf

from .conversion import Converted, Refused


def normalise_pdf(data: bytes) -> Converted:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise Refused("encrypted_pdf")
            if len(pdf.pages) == 0:
                raise Refused("invalid_pdf", "no pages")
            _strip_active_content(pdf)
            out = io.BytesIO()
            pdf.save(out)
            return Converted(pdf=out.getvalue(), page_count=len(pdf.pages))
    except pikepdf.PasswordError as error:
        raise Refused("encrypted_pdf") from error
    except pikepdf.PdfError as error:
        raise Refused("invalid_pdf", str(error)[:200]) from error


# Actions that only move the reader: to a place in this file, or to a web page. Every other kind runs
# script, opens a program or another file, sends or loads form data, or plays media, and is removed.
SAFE_ACTIONS = frozenset({"/GoTo", "/URI"})
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
# Annotations that carry a file or play media; they are removed whole.
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    """Case workers open these files and case systems receive them: nothing that runs, launches, submits,
    imports or carries a file travels on. Ordinary links, bookmarks and form fields with their appearance do.

    Objects that nothing refers to any more are not written when the file is saved, so an attached file's
    bytes go with the entry that pointed at them.
    """
    root = pdf.Root
    for key in ("/AA", "/NeedsRendering", "/Collection"):
        if key in root:
            del root[key]
    if "/OpenAction" in root and not _opens_at_a_page(root.OpenAction):
        del root["/OpenAction"]  # not even a web link may open by itself
    if "/Names" in root:
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations"):
            if key in root.Names:
                del root.Names[key]
    if "/AcroForm" in root:
        form = root.AcroForm
        if "/XFA" in form:
            del form["/XFA"]  # the form's ordinary fields (AcroForm) remain and show as they were filled in
        for field in form.get("/Fields", pikepdf.Array()):
            _clean_field(field, set())
    for page in pdf.pages:
        _clean_page(page)
    if "/Outlines" in root:
        _clean_outline(root.Outlines.get("/First"), set())
    _sweep(pdf)


# Action types no reader may be left with, wherever the action is found (see _sweep).
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/Rendition",
        "/RichMediaExecute",
        "/GoToE",
        "/GoToR",
        "/Movie",
        "/Sound",
        "/Hide",
        "/SetOCGState",
        "/GoTo3DView",
    }
)


def _sweep(pdf: pikepdf.Pdf) -> None:
    """The last line: every object in the file, however it is reached (a pop-up's /Parent can still point
    at a removed attachment annotation), loses script, embedded files and active actions, and a removed kind
    of annotation becomes an empty, invisible one. The walk above keeps the structure tidy; this makes sure."""
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            _sweep_object(obj)


def _sweep_object(obj: pikepdf.Object) -> None:
    if isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Array)) and not item.is_indirect:
                _sweep_object(item)
        return
    for key in ("/JS", "/EF", "/RF", "/XFA"):
        if key in obj:
            del obj[key]
    if str(obj.get("/S", "")) in ACTIVE_ACTIONS:
        for key in list(obj.keys()):
            del obj[key]  # an action without a type does nothing
        return
    is_annotation = not isinstance(obj, pikepdf.Stream) and str(obj.get("/Type", "/Annot")) == "/Annot"
    if is_annotation and str(obj.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
        for key in list(obj.keys()):
            if key not in ("/Type", "/Rect"):
                del obj[key]
        obj.Subtype, obj.F = pikepdf.Name.Text, 2  # hidden
        return
    for key, value in obj.items():
        if (
            isinstance(value, (pikepdf.Dictionary, pikepdf.Array))
            and not value.is_indirect
            and key != "/Parent"
        ):
            _sweep_object(value)


def _clean_page(page: pikepdf.Page) -> None:
    if "/AA" in page.obj:
        del page.obj["/AA"]
    if "/Annots" not in page.obj:
        return
    kept = pikepdf.Array()
    for annotation in page.obj.Annots:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if str(annotation.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
            continue
        _clean_actions_of(annotation)
        kept.append(annotation)
    page.obj.Annots = kept


def _clean_field(field: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
    """Form fields (and their kids) lose their script triggers and actions; values and appearance stay."""
    if not isinstance(field, pikepdf.Dictionary) or (field.is_indirect and field.objgen in seen):
        return
    if field.is_indirect:
        seen.add(field.objgen)
    _clean_actions_of(field)
    for kid in field.get("/Kids", pikepdf.Array()):
        _clean_field(kid, seen)


def _clean_outline(item: pikepdf.Object | None, seen: set[tuple[int, int]]) -> None:
    while isinstance(item, pikepdf.Dictionary) and not (item.is_indirect and item.objgen in seen):
        if item.is_indirect:
            seen.add(item.objgen)
        _clean_actions_of(item)
        _clean_outline(item.get("/First"), seen)
        item = item.get("/Next")


def _clean_actions_of(holder: pikepdf.Dictionary) -> None:
    if "/AA" in holder:
        del holder["/AA"]  # triggers (open, close, keystroke, focus, ...) exist only to run actions
    if "/A" in holder:
        _keep_safe_action(holder, "/A")


def _keep_safe_action(holder: pikepdf.Dictionary, key: str) -> None:
    action = _safe_action(holder[key], set())
    if action is None:
        del holder[key]


def _safe_action(action: pikepdf.Object, seen: set[tuple[int, int]]) -> pikepdf.Object | None:
    """The action if it only moves the reader, with its follow-up actions (/Next) cleaned the same way."""
    if not isinstance(action, pikepdf.Dictionary) or (action.is_indirect and action.objgen in seen):
        return None
    if action.is_indirect:
        seen.add(action.objgen)
    kind = str(action.get("/S", ""))
    if kind not in SAFE_ACTIONS:
        return None
    if kind == "/URI" and not str(action.get("/URI", "")).lower().startswith(SAFE_URI_SCHEMES):
        return None
    if "/Next" in action:
        following = action.Next
        steps = list(following) if isinstance(following, pikepdf.Array) else [following]
        safe = [step for step in (_safe_action(step, seen) for step in steps) if step is not None]
        if safe:
            action.Next = pikepdf.Array(safe)
        else:
            del action["/Next"]
    return action


def _opens_at_a_page(value: pikepdf.Object) -> bool:
    """An /OpenAction that is a destination (an array or a name) or a plain GoTo just opens at a page."""
    if isinstance(value, (pikepdf.Array, pikepdf.Name, pikepdf.String)):
        return True
    return isinstance(value, pikepdf.Dictionary) and value.get("/S") == "/GoTo" and "/Next" not in value
