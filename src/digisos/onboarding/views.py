from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def accept(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError


def detail(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    raise NotImplementedError
