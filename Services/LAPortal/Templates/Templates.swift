/// Every template the portal renders, by name. Each page's template lives beside it in this folder.
enum Templates {
    static let all: [(String, String)] = [
        ("layout", layout), ("problem", problem), ("errorSummary", errorSummary), ("signIn", signIn),
        ("worklist", worklist), ("cases", cases), ("case", caseView), ("schools", schools), ("school", school),
        ("calendar", calendar), ("pack", pack), ("audit", audit),
    ]

    /// The frame of every page: a skip link, the header with the service's name and the person, the navigation
    /// (a landmark with the current page marked), then the page in `main`.
    static let layout = """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} – Attendance pathway</title>
        <link rel="stylesheet" href="/assets/portal.css">
        </head>
        <body>
        <a href="#main-content" class="skip-link">Skip to main content</a>
        <header class="header">
          <div class="width-container header-row">
            <a href="/" class="header-service">Attendance pathway</a>
            {{#account}}
            <div class="header-account">
              <span>{{name}} <span class="header-role">({{role}})</span></span>
              <form method="post" action="/sign-out" class="inline-form">
                <input type="hidden" name="csrf" value="{{csrf}}">
                <button type="submit" class="link-button">Sign out</button>
              </form>
            </div>
            {{/account}}
          </div>
        </header>
        {{#hasNav}}
        <nav class="service-nav" aria-label="Menu">
          <ul class="width-container">
            {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
          </ul>
        </nav>
        {{/hasNav}}
        <div class="width-container">
        <main id="main-content" tabindex="-1">
        {{{body}}}
        </main>
        </div>
        <footer class="footer"><div class="width-container">
          <p>Children's personal data: every page you open is recorded with your name. <a href="/accessibility">Accessibility statement</a></p>
        </div></footer>
        </body>
        </html>
        """

    static let problem = """
        <h1 class="heading-l">{{heading}}</h1>
        <p class="body">{{detail}}</p>
        <p class="body"><a href="/">Go to your worklist</a></p>
        """

    /// GOV.UK's error summary: at the top of the page, focused when the page opens (`autofocus`), each error a link to its field.
    static let errorSummary = """
        {{#hasErrors}}
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary" autofocus>
          <h2 class="error-summary-title" id="error-summary-title">There is a problem</h2>
          <ul class="error-summary-list">
            {{#errors}}<li><a href="#{{field}}">{{message}}</a></li>{{/errors}}
          </ul>
        </div>
        {{/hasErrors}}
        """

    static let signIn = """
        <div class="narrow">
        {{> errorSummary}}
        <h1 class="heading-l">Sign in</h1>
        {{#oidc}}
        <p class="body"><a class="button" href="{{href}}" id="oidc-sign-in">Sign in with {{name}}</a></p>
        {{/oidc}}
        {{#localSignIn}}
        <p class="body">{{#oidc}}Or sign in{{/oidc}}{{^oidc}}Sign in{{/oidc}} with the account your local authority gave you.</p>
        <form method="post" action="/sign-in" novalidate>
          <input type="hidden" name="csrf" value="{{signInToken}}">
          <input type="hidden" name="next" value="{{next}}">
          <div class="form-group{{#usernameError}} form-group-error{{/usernameError}}">
            <label class="label" for="username">Username</label>
            {{#usernameError}}<p class="error-message" id="username-error"><span class="visually-hidden">Error:</span> {{usernameError}}</p>{{/usernameError}}
            <input class="input" id="username" name="username" type="text" autocomplete="username" spellcheck="false" value="{{username}}"{{#usernameError}} aria-describedby="username-error"{{/usernameError}}>
          </div>
          <div class="form-group{{#passwordError}} form-group-error{{/passwordError}}">
            <label class="label" for="password">Password</label>
            {{#passwordError}}<p class="error-message" id="password-error"><span class="visually-hidden">Error:</span> {{passwordError}}</p>{{/passwordError}}
            <input class="input" id="password" name="password" type="password" autocomplete="current-password"{{#passwordError}} aria-describedby="password-error"{{/passwordError}}>
          </div>
          <button type="submit" class="button">Sign in</button>
        </form>
        {{/localSignIn}}
        </div>
        """
}
