// Log in at /api/v1/auth/login (the cluster checks the password), keep the CSRF token for this tab, go on.
"use strict";
function nextPath() {
  const next = new URLSearchParams(window.location.search).get("next") || "/console";
  // only a path on this server: never another site
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/console";
}
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById("message");
  message.textContent = "Logging in…";
  const body = {username: form.username.value, password: form.password.value, realm: form.realm.value};
  let answer;
  try {
    answer = await fetch("/api/v1/auth/login", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  } catch (error) {
    message.textContent = "The server cannot be reached.";
    return;
  }
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const error = data.error || {};
    message.textContent = (error.message || "Login refused") + (error.next_step ? " — " + error.next_step : "");
    form.password.value = "";
    return;
  }
  sessionStorage.setItem("pmpc_csrf", data.csrf_token);
  window.location.assign(nextPath());
});
