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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digisos.accounts.models import User

from . import selectors, services
from .models import Document, Folder

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
    folder = selectors.folder_of_owner(request.user, folder_id)
    if folder is None:
        raise Http404
    files = request.FILES.getlist("files")
    wants_json = "application/json" in request.headers.get("Accept", "")
    user: User = request.user  # type: ignore[assignment]
    if not files:
        refusal = services.UploadRefused("no_file", "")
        if wants_json:
            return JsonResponse({"field": "files", "code": "no_file", "message": refusal.message}, status=400)
        request.session[f"{SESSION_REFUSALS}.{folder.id}"] = [{"name": "", "message": refusal.message}]
        return redirect(_next_url(request))
    outcome = services.upload_documents(
        actor=user, folder=folder, files=[(upload.name or "", upload.read()) for upload in files]
    )
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
    document = _own_document(request, document_id)
    services.delete_document(actor=request.user, document=document)  # type: ignore[arg-type]
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


def _own_document(request: HttpRequest, document_id: uuid.UUID) -> Document:
    document = selectors.document_for_reader(request.user, document_id)  # type: ignore[arg-type]
    if document is None or document.folder.owner_id != request.user.pk:
        raise Http404
    return document


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("documents:demo")
