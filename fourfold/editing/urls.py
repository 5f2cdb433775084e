from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_feasibility, views_people, views_signin, views_targets

app_name = "editing"

design = "units/<str:code>/design/"

urlpatterns = [
    path("manage/", views_people.manage, name="manage"),
    path("manage/users/", views_people.users, name="users"),
    path("manage/users/new/", views_people.user_new, name="user_new"),
    path("manage/users/<int:pk>/", views_people.user, name="user"),
    path("manage/users/<int:pk>/active/", views_people.user_active, name="user_active"),
    path("manage/users/<int:pk>/names/", views_people.user_names, name="user_names"),
    path("manage/users/<int:pk>/password/", views_people.user_password, name="user_password"),
    path("manage/users/<int:pk>/unlock/", views_people.user_unlock, name="user_unlock"),
    path(
        "manage/users/<int:pk>/two-factor/reset/",
        views_signin.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("manage/two-factor/", views_signin.two_factor_rules, name="two_factor_rules"),
    path("manage/users/<int:pk>/roles/", views_people.role_grant, name="role_grant"),
    path(
        "manage/users/<int:pk>/roles/<int:role>/revoke/",
        views_people.role_revoke,
        name="role_revoke",
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="editing/password.html",
            success_url=reverse_lazy("editing:password_done"),
        ),
        name="password",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="editing/password_done.html"),
        name="password_done",
    ),
    path(design, views.design, name="design"),
    path(design + "unit/", views.unit_edit, name="unit_edit"),
    path(design + "units/new/", views.unit_new, name="unit_new"),
    path(design + "perspectives/new/", views.perspective_form, name="perspective_new"),
    path(
        design + "perspectives/classic/",
        views.perspectives_classic,
        name="perspectives_classic",
    ),
    path(design + "perspectives/<int:pk>/", views.perspective_form, name="perspective_edit"),
    path(design + "objectives/new/", views.objective_form, name="objective_new"),
    path(design + "objectives/<int:pk>/", views.objective_form, name="objective_edit"),
    path(design + "objectives/<int:pk>/links/", views.objective_links, name="objective_links"),
    path(
        design + "objectives/<int:pk>/alignment/",
        views.objective_alignment,
        name="objective_alignment",
    ),
    path(design + "kpis/new/", views.kpi_form, name="kpi_new"),
    path(design + "kpis/<int:pk>/", views.kpi_form, name="kpi_edit"),
    path(design + "kpis/<int:pk>/targets/", views_targets.targets_page, name="targets"),
    path(
        design + "kpis/<int:pk>/targets/feasibility/",
        views_feasibility.target_feasibility,
        name="target_feasibility",
    ),
    path(
        design + "kpis/<int:pk>/targets/preview/",
        views_targets.targets_preview,
        name="targets_preview",
    ),
    path(
        design + "kpis/<int:pk>/targets/<str:period>/",
        views_targets.target_row,
        name="target_row",
    ),
    path(design + "<str:kind>/<int:pk>/move/", views.move, name="move"),
    path(design + "<str:kind>/<int:pk>/archive/", views.archive, name="archive"),
]
