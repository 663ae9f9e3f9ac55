from django.http import HttpRequest, HttpResponse


def inbox(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
