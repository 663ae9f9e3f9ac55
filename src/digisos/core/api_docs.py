"""The APIs' Swagger UI from django-ninja's own static files, on our own origin, not from a CDN.

ninja renders its local template only when "ninja" is an installed app, and an installed ninja is imported in
every process that starts Django (pydantic, jinja2 and django.test behind it, about 250 ms of each manage.py
command). The settings find ninja's templates and static files without importing it (NINJA_DIR in
settings/base.py); this renders ninja's local template the way ninja renders its CDN one."""

from ninja.openapi.docs import ABS_TPL_PATH, Swagger


class OwnOriginSwagger(Swagger):
    # ninja's swagger.html loads swagger-ui-bundle.js etc. through {% static %} (STATICFILES_DIRS has them).
    template_cdn = str(ABS_TPL_PATH / "swagger.html")
