from django.urls import path

from llm import views

app_name = "llm"
urlpatterns = [path("", views.call_log, name="call_log")]
