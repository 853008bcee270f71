// Enhancements only: every page works without JavaScript.
import { initAll } from '../vendor/govuk-frontend.min.js'
initAll()

// A wide table scrolls sideways inside its own box, which a keyboard can focus, so that the page itself never
// scrolls sideways on a narrow screen (WCAG 1.4.10 reflow). Without JavaScript the stylesheet makes the table
// itself scroll.
for (const table of document.querySelectorAll('table.govuk-table')) {
  if (table.parentElement.classList.contains('banns-scroll')) continue
  const box = document.createElement('div')
  box.className = 'banns-scroll'
  box.setAttribute('role', 'region')
  box.tabIndex = 0
  const caption = table.caption ? table.caption.textContent.trim() : ''
  box.setAttribute('aria-label', caption || 'Table')
  table.replaceWith(box)
  box.appendChild(table)
}
