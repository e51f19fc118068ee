extension Templates {
    static let worklist = """
        <span class="caption">{{asOf}}</span>
        <h1 class="heading-l">Worklist</h1>
        <ul class="cards">
          <li class="card"><span class="card-number" id="count-due">{{total}}</span> tasks due within 10 days or overdue</li>
          <li class="card"><span class="card-number" id="count-overdue">{{overdue}}</span> overdue</li>
          <li class="card"><span class="card-number" id="count-open">{{openCases}}</span> open cases</li>
          <li class="card"><span class="card-number" id="count-first-day">{{firstDayCount}}</span> first-day absences not explained today</li>
        </ul>
        {{#cut}}<p class="hint">The lists show the first {{shownItems}} tasks by due date; the counts are every task.</p>{{/cut}}

        {{#firstDayShown}}
        <section class="section" aria-labelledby="first-day">
          <h2 class="heading-m" id="first-day">First-day absences still unexplained</h2>
          <p class="hint">Pupils looked after, in need, on a protection plan or with an EHC plan come first: call the carer or social worker the same day.</p>
          {{#firstDayNone}}<p class="body">None today.</p>{{/firstDayNone}}
          {{^firstDayNone}}
          <div class="table-wrap"><table class="stack">
            <caption class="visually-hidden">First-day absences still unexplained</caption>
            <thead><tr><th scope="col">Pupil (UPN)</th><th scope="col">School</th><th scope="col">Session</th><th scope="col">Vulnerability</th><th scope="col">Case</th></tr></thead>
            <tbody>
            {{#firstDay}}<tr><td data-label="Pupil">{{upn}}</td><td data-label="School">{{school}}</td><td data-label="Session">{{session}}</td><td data-label="Vulnerability">{{#isVulnerable}}<strong class="tag tag-red">{{vulnerable}}</strong>{{/isVulnerable}}{{^isVulnerable}}–{{/isVulnerable}}</td>
              <td data-label="Case">{{#hasCase}}<a href="/cases/{{caseId}}">{{caseId}}</a>{{/hasCase}}{{^hasCase}}No case{{/hasCase}}</td></tr>{{/firstDay}}
            </tbody>
          </table></div>
          {{/firstDayNone}}
        </section>
        {{/firstDayShown}}

        {{#entrantsShown}}
        <section class="section" aria-labelledby="entrants">
          <h2 class="heading-m" id="entrants">New severe and persistent absence since the last working day <span class="tag">{{entrantCount}}</span></h2>
          {{#entrantsNone}}<p class="body">None.</p>{{/entrantsNone}}
          {{^entrantsNone}}
          <div class="table-wrap"><table class="stack">
            <caption class="visually-hidden">New severe and persistent absence</caption>
            <thead><tr><th scope="col">Pupil (UPN)</th><th scope="col">School</th><th scope="col">Absence</th><th scope="col">As of</th><th scope="col" class="numeric">Attendance</th></tr></thead>
            <tbody>{{#entrants}}<tr><td data-label="Pupil">{{upn}}</td><td data-label="School">{{school}}</td><td data-label="Absence">{{#severe}}<strong class="tag tag-red">Severe</strong>{{/severe}}{{^severe}}Persistent{{/severe}}</td><td data-label="As of">{{session}}</td><td data-label="Attendance" class="numeric">{{rate}}</td></tr>{{/entrants}}</tbody>
          </table></div>
          {{/entrantsNone}}
        </section>
        {{/entrantsShown}}

        {{#sections}}
        <section class="section" aria-labelledby="section-{{id}}">
          <h2 class="heading-m" id="section-{{id}}">{{title}} <span class="tag" data-count="{{count}}">{{count}}</span></h2>
          {{#empty}}<p class="body">Nothing due.</p>{{/empty}}
          {{^empty}}
          <div class="table-wrap"><table class="stack">
            <caption class="visually-hidden">{{title}}</caption>
            <thead><tr><th scope="col">Due</th><th scope="col">Case</th><th scope="col">School</th><th scope="col">Stage</th><th scope="col">What to do</th></tr></thead>
            <tbody>
            {{#rows}}<tr><td data-label="Due">{{due}}{{#overdue}} <strong class="tag tag-red">Overdue</strong>{{/overdue}}</td><td data-label="Case"><a href="/cases/{{caseId}}">{{caseId}}</a></td><td data-label="School">{{school}}</td><td data-label="Stage">{{stage}}</td><td data-label="What to do">{{detail}}</td></tr>{{/rows}}
            </tbody>
          </table></div>
          {{#more}}<p class="body"><a href="/?show={{id}}#section-{{id}}">Show all {{listed}}<span class="visually-hidden"> {{title}}</span></a> (the first {{shownCount}} by due date are shown)</p>{{/more}}
          {{/empty}}
        </section>
        {{/sections}}

        {{#requestsShown}}
        <section class="section" aria-labelledby="section-referrals">
          <h2 class="heading-m" id="section-referrals">Referrals waiting for the panel <span class="tag">{{requestCount}}</span></h2>
          {{#requestsNone}}<p class="body">None waiting.</p>{{/requestsNone}}
          {{^requestsNone}}
          <div class="table-wrap"><table>
            <caption class="visually-hidden">Referrals waiting for the panel</caption>
            <thead><tr><th scope="col">Referral</th><th scope="col">Case</th><th scope="col">State</th><th scope="col">Received</th></tr></thead>
            <tbody>{{#requests}}<tr><td>{{referral}}{{#breach}} <strong class="tag tag-red">Not booked in time</strong>{{/breach}}</td><td><a href="/cases/{{caseId}}">{{caseId}}</a></td><td>{{state}}</td><td>{{received}}</td></tr>{{/requests}}</tbody>
          </table></div>
          {{/requestsNone}}
        </section>
        {{/requestsShown}}

        <section class="section" aria-labelledby="by-stage">
          <h2 class="heading-m" id="by-stage">Open cases by stage</h2>
          <div class="table-wrap"><table>
            <caption class="visually-hidden">Open cases by stage</caption>
            <thead><tr><th scope="col">Stage</th><th scope="col" class="numeric">Cases</th></tr></thead>
            <tbody>{{#stages}}<tr><td><a href="/cases?stage={{stage}}">{{stage}}. {{title}}</a></td><td class="numeric" data-stage="{{stage}}">{{count}}</td></tr>{{/stages}}</tbody>
          </table></div>
        </section>
        """

    static let cases = """
        <h1 class="heading-l">Cases</h1>
        <form method="get" action="/cases" class="no-print">
          <div class="form-group">
            <label class="label" for="stage">Stage</label>
            <select class="select" id="stage" name="stage">
              <option value="">Every stage</option>
              {{#stageOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stageOptions}}
            </select>
          </div>
          <button type="submit" class="button button-secondary">Show cases</button>
        </form>
        <p class="body">{{total}} open cases{{#stageName}} at stage {{stageName}}{{/stageName}}.</p>
        <div class="table-wrap"><table>
          <caption class="visually-hidden">Cases</caption>
          <thead><tr><th scope="col">Case</th><th scope="col">Pupil (UPN)</th><th scope="col">School</th><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Urgency</th><th scope="col" class="numeric">Attendance</th></tr></thead>
          <tbody>
          {{#cases}}<tr><td><a href="/cases/{{caseId}}">{{caseId}}</a></td><td>{{upn}}</td><td><a href="/schools/{{school}}">{{school}}</a></td><td>{{stage}}</td><td>{{status}}</td><td>{{#high}}<strong class="tag tag-red">High</strong>{{/high}}{{^high}}{{urgency}}{{/high}}</td><td class="numeric">{{rate}}</td></tr>{{/cases}}
          </tbody>
        </table></div>
        """
}
