// Submitting by script (not on page load by the server) keeps link previews from using up the link.
document.getElementById("login").submit();
