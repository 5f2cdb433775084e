import os

from django.core.wsgi import get_wsgi_application

from fourfold.memory import keep_freed_memory

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
keep_freed_memory()
application = get_wsgi_application()
