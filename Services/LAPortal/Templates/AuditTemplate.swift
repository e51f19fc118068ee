extension Templates {
    static let audit = """
        {{> errorSummary}}
        <h1 class="heading-l">Access audit</h1>
        <p class="body">Every read and change of a child's record, in every service, newest first (200 at most).</p>
        <form method="get" action="/audit" novalidate>
          <div class="form-group{{#pupilError}} form-group-error{{/pupilError}}">
            <label class="label" for="pupil">Pupil's UPN</label>
            {{#pupilError}}<p class="error-message" id="pupil-error"><span class="visually-hidden">Error:</span> {{pupilError}}</p>{{/pupilError}}
            <input class="input" id="pupil" name="pupil" type="text" spellcheck="false" value="{{pupil}}"{{#pupilError}} aria-describedby="pupil-error"{{/pupilError}}>
          </div>
          <div class="form-group">
            <label class="label" for="subject">Person (their sign-in name)</label>
            <input class="input" id="subject" name="subject" type="text" spellcheck="false" value="{{subject}}">
          </div>
          <button type="submit" class="button button-secondary">Search the audit</button>
        </form>
        {{#unanswered}}<p class="body"><strong class="tag tag-red">Not answering</strong> {{unanswered}}: their entries are missing below.</p>{{/unanswered}}
        {{#none}}<p class="body">No entries.</p>{{/none}}
        {{^none}}
        <div class="table-wrap"><table class="stack">
          <caption class="visually-hidden">Access audit entries</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Service</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">School</th><th scope="col">Pupils</th><th scope="col">Case</th><th scope="col">Answer</th></tr></thead>
          <tbody>{{#rows}}<tr><td data-label="When">{{at}}</td><td data-label="Service">{{service}}</td><td data-label="Who">{{subject}} ({{roles}})</td><td data-label="What">{{action}}</td><td data-label="School">{{school}}</td><td data-label="Pupils">{{pupils}}</td><td data-label="Case">{{case}}</td>
            <td data-label="Answer">{{status}}{{#refused}} <strong class="tag tag-red">Refused</strong> {{refusal}}{{/refused}}</td></tr>{{/rows}}</tbody>
        </table></div>
        {{/none}}
        """
}
