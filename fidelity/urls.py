app_name = "fidelity"
urlpatterns: list = []
