from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models

# The revision counter and the KPIs each write changed: kept by the writers, read here only.
admin.site.register(models.Revision, ReadOnlyAdmin)
admin.site.register(models.ScoreChange, ReadOnlyAdmin)
