"""Thin views around the upload pipeline. Every document URL answers 404 to anyone who may not see it."""

import io
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digisos.accounts.models import User

from . import permissions, selectors, services
from .models import Folder

SESSION_REFUSALS = "documents.refusals"


def component_context(request: HttpRequest, folder: Folder, *, next_url: str) -> dict[str, object]:
    """What `documents/_upload.html` needs. Pops the refusals of the last upload without JavaScript."""
    refusals = request.session.pop(f"{SESSION_REFUSALS}.{folder.id}", [])
    documents = list(selectors.documents_in(folder))
    return {
        "folder": folder,
        "documents": documents,
        "refusals": refusals,
        "next_url": next_url,
        "max_file_mb": settings.DOCUMENTS["MAX_FILE_BYTES"] // (1024 * 1024),
        "max_files": settings.DOCUMENTS["MAX_FILES"],
    }


@login_required
@require_http_methods(["GET"])
def demo(request: HttpRequest) -> HttpResponse:
    """Try the upload component before the application uses it. Files here are deleted after a day."""
    folder = Folder.objects.filter(
        owner=request.user, kind=Folder.Kind.DEMO, expires_at__gt=timezone.now()
    ).first()
    if folder is None:
        folder = services.create_folder(
            owner=request.user, kind=Folder.Kind.DEMO, expires_at=timezone.now() + timedelta(days=1)
        )
    context = component_context(request, folder, next_url=reverse("documents:demo"))
    return render(request, "documents/demo.html", context)


@login_required
@require_POST
def upload(request: HttpRequest, folder_id: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        folder = selectors.folder_for(user, folder_id, permissions.Action.ADD)
    except permissions.NotAllowed as refused:
        return not_allowed(request, refused)
    if folder is None:
        raise Http404
    files = request.FILES.getlist("files")
    if not files:
        refusal = services.UploadRefused("no_file", "")
        if wants_json:
            return JsonResponse({"field": "files", "code": "no_file", "message": refusal.message}, status=400)
        request.session[f"{SESSION_REFUSALS}.{folder.id}"] = [{"name": "", "message": refusal.message}]
        return redirect(_next_url(request))
    try:
        outcome = services.upload_documents(
            actor=user, folder=folder, files=[(upload.name or "", upload.read()) for upload in files]
        )
    except permissions.NotAllowed as refused:  # sent while the files were being converted
        return not_allowed(request, refused)
    if wants_json:
        return _json_outcome(request, outcome)
    if outcome.refused:
        request.session[f"{SESSION_REFUSALS}.{folder.id}"] = [
            {"name": refusal.name, "message": refusal.message} for refusal in outcome.refused
        ]
    return redirect(_next_url(request))


def _json_outcome(request: HttpRequest, outcome: services.UploadOutcome) -> JsonResponse:
    accepted = [
        {
            "id": str(document.id),
            "name": document.original_name,
            "size": document.size,
            "pages": document.page_count,
            "html": render_to_string(
                "documents/_document_item.html",
                {"document": document, "next_url": _next_url(request)},
                request=request,
            ),
        }
        for document in outcome.accepted
    ]
    refused = [
        {"field": "files", "name": refusal.name, "code": refusal.code, "message": refusal.message}
        for refusal in outcome.refused
    ]
    status = 201 if accepted and not refused else 400 if not accepted else 207
    return JsonResponse({"accepted": accepted, "refused": refused}, status=status)


@login_required
@require_POST
def delete(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    # Whoever may not read the document gets 404; whoever may read but not delete it gets 403 and why.
    document = selectors.document_for_reader(request.user, document_id)  # type: ignore[arg-type]
    if document is None:
        raise Http404
    try:
        services.delete_document(actor=request.user, document=document)  # type: ignore[arg-type]
    except permissions.NotAllowed as refused:
        return not_allowed(request, refused)
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(status=204)
    return redirect(_next_url(request))


@require_GET
def download(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    document = selectors.document_for_reader(user, document_id)
    if document is None:
        raise Http404
    if user.kind == User.Kind.EMPLOYEE:
        services.record_employee_read(actor=user, document=document)
    name = document.original_name.rsplit(".", 1)[0] + ".pdf"
    response = FileResponse(
        io.BytesIO(selectors.decrypted_pdf(document)),
        content_type="application/pdf",
        as_attachment=True,
        filename=name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def not_allowed(request: HttpRequest, refused: permissions.NotAllowed) -> HttpResponse:
    """403 with what to do instead, as a page or (for the upload script) as JSON; 404 for someone who may
    not even read the folder, so ids reveal nothing."""
    if not refused.visible:
        raise Http404
    message = refusal_text(refused)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"field": "files", "code": "not_allowed", "message": message}, status=403)
    return render(
        request,
        "documents/not_allowed.html",
        {"message": message, "next_url": _next_url(request)},
        status=403,
    )


def refusal_text(refused: permissions.NotAllowed) -> str:
    """In plain words: what cannot be changed, and what to do instead."""
    State = permissions.FolderState
    if refused.state == State.LETTERS:
        if refused.action == permissions.Action.DELETE:
            return _("Brev fra Nav-kontoret kan ikke slettes. De hører til saken din.")
        return _(
            "Du kan ikke legge filer blant brevene fra Nav-kontoret. Vil du sende dokumenter, bruk «Send andre "
            "dokumenter» på siden om saken din."
        )
    if refused.state in (State.SENT, State.ETTERSENDELSE_SENT):
        if refused.action == permissions.Action.DELETE:
            return _(
                "Dokumentet er sendt til Nav-kontoret og kan ikke slettes. Har du sendt feil dokument, kontakt "
                "Nav-kontoret ditt."
            )
        return _(
            "Dette er allerede sendt til Nav-kontoret og kan ikke endres. Vil du sende flere dokumenter, bruk "
            "«Send andre dokumenter» på siden om saken din."
        )
    return _("Du kan ikke endre filene her.")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("documents:demo")
