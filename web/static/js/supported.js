// Tell GOV.UK Frontend that its scripts can run (kept out of the page so the CSP allows no inline script).
document.body.className += ' govuk-frontend-supported' + ('noModule' in HTMLScriptElement.prototype ? '' : '');
