// Shared helpers of the arenax task pages: the episode's submission lives in sessionStorage, so that
// it survives navigation between the pages of one episode and never leaks into the next (fresh context).
window.arenax = {
  submit(data) {
    if (sessionStorage.getItem("arenax.submission") === null) sessionStorage.setItem("arenax.submission", JSON.stringify(data));
    const banner = document.getElementById("arenax-done");
    if (banner) banner.textContent = "Submitted.";
  },
  remember(key, value) { sessionStorage.setItem("arenax.memo." + key, JSON.stringify(value)); },
  recall(key) { const v = sessionStorage.getItem("arenax.memo." + key); return v === null ? null : JSON.parse(v); },
  formData(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled) continue;
      if (el.type === "checkbox") { if (!(el.name in out)) out[el.name] = []; if (el.checked) out[el.name].push(el.value); continue; }
      if (el.type === "radio") { if (el.checked) out[el.name] = el.value; else if (!(el.name in out)) out[el.name] = null; continue; }
      if (el.type === "submit" || el.type === "button") continue;
      out[el.name] = el.value;
    }
    return out;
  },
};
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.hasAttribute("data-arenax-form")) return;
  event.preventDefault();
  const data = arenax.formData(form);
  if (form.dataset.extra) Object.assign(data, JSON.parse(form.dataset.extra));
  arenax.submit(data);
}, true);
document.addEventListener("click", (event) => {
  const target = event.target.closest ? event.target.closest("[data-arenax-submit]") : null;
  if (!target) return;
  event.preventDefault();
  arenax.submit(JSON.parse(target.getAttribute("data-arenax-submit")));
});
