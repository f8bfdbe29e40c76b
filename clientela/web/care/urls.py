from django.urls import path
from django.utils.translation import gettext_lazy as _

from clientela.web import nav
from clientela.web.care import views

urlpatterns = [
    path("care/", views.case_list, name="care_cases"),
    path("care/new/", views.case_new, name="care_case_new"),
    path("care/lessons/", views.lesson_list, name="care_lessons"),
    path("care/report/", views.care_report_page, name="care_report"),
    path("care/<int:pk>/", views.case_detail, name="care_case"),
    # POST only: the buttons and forms of the case page, which they lead back to.
    path("care/<int:pk>/send/", views.case_send, name="care_case_send"),
    path("care/<int:pk>/step/", views.case_step, name="care_case_step"),
    path("care/<int:pk>/status/", views.case_status, name="care_case_status"),
    path("care/<int:pk>/review/", views.case_review, name="care_case_review"),
    path("care/<int:pk>/handling/", views.case_handling, name="care_case_handling"),
    path("care/<int:pk>/assign/", views.case_assign, name="care_case_assign"),
]

_ENTRY = nav.NavEntry(_("Complaints"), "web:care_cases")
if _ENTRY.url_name not in {n.url_name for n in nav.NAV}:
    nav.NAV.append(_ENTRY)
