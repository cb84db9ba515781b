// Orderflow admin: the few behaviours plain HTML lacks. No inline scripts (the Content-Security-Policy forbids them).
document.addEventListener('htmx:configRequest', function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers['X-CSRF-Token'] = meta.content; }
});
document.addEventListener('change', function (event) {
  if (event.target.id === 'select-all') {
    document.querySelectorAll('input.select-order').forEach(function (box) { box.checked = event.target.checked; });
  }
});
