/** "Contoso Ltd's", "Lucerne Cloud Partners'". */
export const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);
