app_name = "mutual_aid"
urlpatterns = []
