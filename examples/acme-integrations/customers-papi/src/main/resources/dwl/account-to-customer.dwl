%dw 2.0
output application/json
var a = payload[0]
---
{
	shopId: a.External_Id__c,
	salesforceId: a.Id,
	name: a.Name,
	city: a.BillingCity,
	country: a.BillingCountryCode,
	accountManager: a.Owner.Name,
	contacts: (a.Contacts default []) map {
		id: $.Id,
		firstName: $.FirstName,
		lastName: $.LastName,
		email: $.Email
	}
}
