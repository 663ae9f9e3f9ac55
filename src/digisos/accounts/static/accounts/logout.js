// Sends the logout form to the login provider at once (RP-initiated logout by POST, so the ID token stays
// out of URLs). Without JavaScript the person presses the form's button instead.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("provider-logout");
  if (form) {
    form.submit();
  }
});
