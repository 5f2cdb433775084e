from django.urls import path

from . import views

urlpatterns = [
    path("units/<str:unit>/books/", views.book_list, name="books"),
    path("units/<str:unit>/books/make/", views.make, name="book-make"),
    path("units/<str:unit>/books/<int:pk>/", views.edit, name="book-template"),
    path("units/<str:unit>/books/<int:pk>/delete/", views.delete, name="book-template-delete"),
    path("units/<str:unit>/books/<int:pk>/make/", views.make_saved, name="book-template-make"),
]
