/** The entity path of subscription `subscription` of `topic`: `<topic>/Subscriptions/<subscription>`. */
export function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}
