"""The API's endpoints as typed functions over `ApiClient.call`, one module per resource (blocking: run them in
thread workers). Screens import the module they need when they need it, so start-up loads none of them."""
