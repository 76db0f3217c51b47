// The activation code page's print button (no inline script under the Content-Security-Policy).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
