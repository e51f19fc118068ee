/// The portal's one stylesheet, after the GOV.UK Design System's patterns (type scale, spacing, the yellow focus
/// state, error colours, tags, tables), which LA staff know from other public services. No web fonts: Arial.
/// Colours meet WCAG 2.2 AA contrast on white; focus is always visible.
enum Stylesheet {
    static let css = """
        *, *::before, *::after { box-sizing: border-box }
        html { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 100%; -webkit-text-size-adjust: 100% }
        body { margin: 0; color: #0b0c0c; background: #fff; font-size: 1.1875rem; line-height: 1.32 }
        a { color: #1d70b8; text-decoration: underline; text-underline-offset: .1em }
        a:visited { color: #4c2c92 }
        a:hover { color: #003078; text-decoration-thickness: 3px }
        a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, [tabindex="-1"]:focus-visible {
          outline: 3px solid #ffdd00; outline-offset: 0; background-color: #ffdd00; color: #0b0c0c; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none }
        input:focus, select:focus, textarea:focus { background-color: #fff; box-shadow: inset 0 0 0 2px #0b0c0c; outline-offset: 0 }
        main:focus { outline: none; background: none; box-shadow: none }
        .skip-link { position: absolute; left: -9999px; padding: 10px 15px; background: #ffdd00; color: #0b0c0c }
        .skip-link:focus { left: 0; top: 0; z-index: 10 }
        .visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden; clip: rect(0 0 0 0); border: 0; white-space: nowrap }
        .width-container { max-width: 1100px; margin: 0 15px }
        @media (min-width: 40.0625em) { .width-container { margin: 0 30px } }
        @media (min-width: 1160px) { .width-container { margin: 0 auto } }
        .header { background: #0b0c0c; color: #fff; border-bottom: 10px solid #1d70b8 }
        .header-row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; padding: 10px 0; gap: 10px }
        .header-service, .header-service:visited { color: #fff; font-weight: 700; font-size: 1.5rem; text-decoration: none }
        .header-service:hover { color: #fff; text-decoration: underline }
        .header-account { display: flex; gap: 15px; align-items: center; font-size: 1rem }
        .header-role { color: #ffffff }
        .link-button { background: none; border: 0; padding: 0; color: #fff; text-decoration: underline; font: inherit; cursor: pointer }
        .inline-form { display: inline }
        .service-nav { border-bottom: 1px solid #b1b4b6; background: #f3f2f1 }
        .service-nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0 25px }
        .service-nav li { padding: 10px 0 }
        .service-nav a { font-weight: 700; text-decoration: none }
        .service-nav a[aria-current="page"] { border-bottom: 4px solid #1d70b8; padding-bottom: 6px }
        main { display: block; padding: 30px 0 40px }
        .footer { border-top: 1px solid #b1b4b6; background: #f3f2f1; padding: 20px 0; font-size: 1rem }
        .heading-xl { font-size: 2.5rem; margin: 0 0 30px; line-height: 1.1 }
        .heading-l { font-size: 2.25rem; margin: 0 0 25px; line-height: 1.1 }
        .heading-m { font-size: 1.5rem; margin: 30px 0 15px }
        .heading-s { font-size: 1.1875rem; margin: 20px 0 10px }
        .caption { color: #505a5f; font-size: 1.1875rem; display: block; margin-bottom: 5px }
        .body { margin: 0 0 20px }
        .hint { color: #505a5f; margin: 0 0 15px }
        .narrow { max-width: 640px }
        .table-wrap { overflow-x: auto; margin-bottom: 30px }
        table { border-collapse: collapse; width: 100%; font-size: 1rem }
        caption { text-align: left; font-weight: 700; font-size: 1.1875rem; margin-bottom: 10px }
        th, td { border-bottom: 1px solid #b1b4b6; padding: 10px 20px 10px 0; text-align: left; vertical-align: top }
        th { font-weight: 700 }
        td.numeric, th.numeric { text-align: right }
        /* On a phone a worklist table becomes a list of cards: each cell with its column's name before it. */
        @media (max-width: 40em) {
          table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0) }
          table.stack tr { display: block; border-bottom: 2px solid #b1b4b6; padding: 10px 0 }
          table.stack td { display: block; border: 0; padding: 2px 0 }
          table.stack td::before { content: attr(data-label) ": "; font-weight: 700 }
        }
        .tag { display: inline-block; padding: 2px 8px; font-weight: 700; font-size: 1rem; background: #d2e2f1; color: #0c2d4a }
        .tag-red { background: #f4cdc6; color: #2a0b06 }
        .tag-yellow { background: #fff7bf; color: #594d00 }
        .tag-green { background: #cce2d8; color: #005a30 }
        .tag-grey { background: #e5e6e7; color: #0b0c0c }
        .summary-list { margin: 0 0 30px; display: grid; grid-template-columns: minmax(10em, 30%) 1fr; border-top: 1px solid #b1b4b6 }
        .summary-list dt, .summary-list dd { margin: 0; padding: 10px 10px 10px 0; border-bottom: 1px solid #b1b4b6 }
        .summary-list dt { font-weight: 700 }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12em, 1fr)); gap: 15px; margin-bottom: 30px; padding: 0; list-style: none }
        .card { border-top: 5px solid #1d70b8; background: #f3f2f1; padding: 15px }
        .card-number { display: block; font-size: 2.25rem; font-weight: 700 }
        .section { margin-bottom: 40px }
        .form-group { margin-bottom: 25px }
        .form-group-error { border-left: 5px solid #d4351c; padding-left: 15px }
        .label { display: block; font-weight: 700; margin-bottom: 5px }
        .input, .select, .textarea { font: inherit; font-size: 1.1875rem; padding: 5px; border: 2px solid #0b0c0c; border-radius: 0; width: 100%; max-width: 30em; background: #fff; color: #0b0c0c }
        .input { height: 2.5rem }
        .textarea { min-height: 6em }
        .form-group-error .input, .form-group-error .select, .form-group-error .textarea { border-color: #d4351c }
        .error-message { color: #d4351c; font-weight: 700; margin: 0 0 10px }
        .button { font: inherit; font-size: 1.1875rem; background: #00703c; color: #fff; border: 2px solid transparent; box-shadow: 0 2px 0 #002d18;
          padding: 8px 10px 7px; cursor: pointer; margin: 0 10px 20px 0; display: inline-block; text-decoration: none; line-height: 1.2 }
        .button:hover { background: #005a30 }
        .button:focus { background: #ffdd00; color: #0b0c0c; box-shadow: 0 2px 0 #0b0c0c; border-color: #ffdd00 }
        .button-secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191 }
        .button-secondary:hover { background: #dbdad9 }
        a.button, a.button:visited { color: #fff }
        a.button-secondary, a.button-secondary:visited { color: #0b0c0c }
        .error-summary { border: 5px solid #d4351c; padding: 15px; margin-bottom: 30px }
        .error-summary-title { margin: 0 0 15px; font-size: 1.5rem }
        .error-summary-list { margin: 0; padding-left: 0; list-style: none }
        .error-summary-list a { color: #d4351c; font-weight: 700 }
        .notification-banner { border: 5px solid #00703c; padding: 15px; margin-bottom: 30px }
        .notification-banner h2 { margin: 0; font-size: 1.1875rem }
        .checklist { list-style: none; padding: 0; margin: 0 0 20px }
        .checklist li { border-bottom: 1px solid #b1b4b6; padding: 10px 0; display: flex; flex-wrap: wrap; justify-content: space-between; gap: 10px; align-items: center }
        .checklist form { margin: 0 }
        .checklist .button { margin: 0 }
        .chart { max-width: 100%; height: auto; display: block; margin-bottom: 15px }
        .chart-pair { display: grid; grid-template-columns: 1fr; gap: 20px }
        @media (min-width: 48em) { .chart-pair { grid-template-columns: 3fr 2fr } }
        details { margin-bottom: 20px }
        summary { color: #1d70b8; cursor: pointer; text-decoration: underline }
        .timeline { list-style: none; padding: 0; border-left: 5px solid #1d70b8; margin: 0 0 30px }
        .timeline li { padding: 0 0 15px 15px }
        .timeline .meta { color: #505a5f; font-size: 1rem; display: block }
        @media print {
          .header, .service-nav, .footer, .skip-link, form, .no-print { display: none !important }
          body { font-size: 11pt }
          main { padding: 0 }
          .pack-pupil { break-inside: avoid }
          a { color: #0b0c0c; text-decoration: none }
        }
        """
}
